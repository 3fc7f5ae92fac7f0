"""What the checks on write cost producers in Go and Java, in one run.

On the valid lines of the benchmark's event mix (bench/make_events.py, 1.0.0 and 1.1.0 interleaved),
each decoded once into the generated types, it prints events/s of writing them:
  Go    json.Marshal(event)           unchecked, the encoding/json path
        schemas.Marshal(event)        checked: written, then validated as `llm-hub validate` reads it
  Java  ObjectMapper.writeValueAsString(record)   unchecked (Hub.newObjectMapper())
        Hub.encode(record)            checked: NaN walk, schema validation, then written
with the ratio checked/unchecked, as medians of --repeat rounds (each row once per round, interleaved),
after a warm-up round. Every checked write is also compared with the unchecked text, so a check that
changed the output cannot pass unnoticed. Toolchains and caches as in the tests (tests/go_support.py,
tests/java_build.py: build/go-cache, build/m2 offline).

    .venv/bin/python bench/bench_write_checks.py [--lines 20000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from go_support import MODULE, consumer_module, run_go  # noqa: E402
from java_build import javac, run, session_build  # noqa: E402

GO_PROGRAM = """package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strconv"
	"time"

	schemas "{module}"
)

func median(values []float64) float64 {
	sort.Float64s(values)
	return values[len(values)/2]
}

func main() {
	repeat, _ := strconv.Atoi(os.Args[1])
	lines := bufio.NewScanner(os.Stdin)
	lines.Buffer(make([]byte, 1<<20), 1<<24)
	var values []schemas.Typed
	for lines.Scan() {
		value, err := schemas.DecodeType("", "events.AnalyticsEvent", lines.Bytes())
		if err != nil {
			panic(err)
		}
		values = append(values, value)
	}
	for _, value := range values {
		plain, err := json.Marshal(value)
		checked, err2 := schemas.Marshal(value)
		if err != nil || err2 != nil || !bytes.Equal(plain, checked) {
			panic(fmt.Sprint(err, err2))
		}
	}
	rates := map[string][]float64{}
	for round := 0; round <= repeat; round++ {
		for _, row := range []string{"unchecked", "checked"} {
			start := time.Now()
			for _, value := range values {
				if row == "checked" {
					_, _ = schemas.Marshal(value)
				} else {
					_, _ = json.Marshal(value)
				}
			}
			if round > 0 {
				rates[row] = append(rates[row], float64(len(values))/time.Since(start).Seconds())
			}
		}
	}
	fmt.Printf("{\\"unchecked\\": %f, \\"checked\\": %f}\\n", median(rates["unchecked"]), median(rates["checked"]))
}
"""

JAVA_PROGRAM = """
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmanalyticshub.schemas.Hub;
import io.llmanalyticshub.schemas.Validator;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

public final class WriteBench {
    private WriteBench() {
    }

    static double median(double[] values) {
        Arrays.sort(values);
        return values[values.length / 2];
    }

    public static void main(String[] args) throws Exception {
        int repeat = Integer.parseInt(args[0]);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        List<Object> values = new ArrayList<>();
        String line;
        while ((line = in.readLine()) != null) {
            Class<?> model = Validator.modelClass(Validator.versionOf(null, Validator.parse(line)), "AnalyticsEvent");
            values.add(Hub.decode(line, model));
        }
        ObjectMapper plain = Hub.newObjectMapper();
        for (Object value : values) {
            if (!plain.writeValueAsString(value).equals(Hub.encode(value))) {
                throw new AssertionError("Hub.encode changed " + value);
            }
        }
        double[] unchecked = new double[repeat];
        double[] checked = new double[repeat];
        for (int round = -1; round < repeat; round++) {
            long start = System.nanoTime();
            for (Object value : values) {
                plain.writeValueAsString(value);
            }
            long middle = System.nanoTime();
            for (Object value : values) {
                Hub.encode(value);
            }
            long end = System.nanoTime();
            if (round >= 0) {
                unchecked[round] = values.size() / ((middle - start) / 1e9);
                checked[round] = values.size() / ((end - middle) / 1e9);
            }
        }
        System.out.printf("{\\"unchecked\\": %f, \\"checked\\": %f}%n", median(unchecked), median(checked));
    }
}
"""


def event_lines(count: int) -> str:
    made = subprocess.run([sys.executable, str(HERE / "make_events.py"), "--count", str(count), "--invalid-share",
                           "0", "--version", "interleaved"], capture_output=True, check=True)
    return made.stdout.decode("utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    lines = event_lines(args.lines)
    rows: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-write-") as scratch:
        folder = consumer_module(Path(scratch) / "go", GO_PROGRAM.replace("{module}", MODULE))
        done = run_go(["go", "build", "-o", "bench", "."], cwd=folder, timeout=900)
        if done.returncode != 0:
            raise SystemExit(done.stderr)
        done = subprocess.run([str(folder / "bench"), str(args.repeat)], input=lines, capture_output=True,
                              text=True, check=False, timeout=3600)
        if done.returncode != 0:
            raise SystemExit(done.stderr)
        rows["Go"] = json.loads(done.stdout)
        java = session_build()
        source = Path(scratch) / "WriteBench.java"
        source.write_text(JAVA_PROGRAM, encoding="utf-8")
        javac([source], Path(scratch) / "java", java.classpath)
        done = run(["java", "-cp", f"{Path(scratch) / 'java'}:{java.classpath}", "WriteBench", str(args.repeat)],
                   input=lines, timeout=3600)
        if done.returncode != 0:
            raise SystemExit(done.stderr)
        rows["Java"] = json.loads(done.stdout)
    print(f"{args.lines} events (1.0.0 and 1.1.0 interleaved), medians of {args.repeat} rounds, one thread")
    for language, rates in rows.items():
        print(f"  {language:4}  unchecked {rates['unchecked']:>10,.0f} events/s   checked {rates['checked']:>10,.0f} "
              f"events/s   checked/unchecked {rates['checked'] / rates['unchecked']:.2f}x")


if __name__ == "__main__":
    main()
