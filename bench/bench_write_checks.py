"""What the checks on write (and on read) cost in Go and Java, in one run.

On the valid lines of the benchmark's event mix (bench/make_events.py, 1.0.0 and 1.1.0 interleaved),
each decoded once into the generated types, it prints events/s of writing them:
  Go    json.Marshal(event)           unchecked, the encoding/json path
        schemas.Marshal(event)        checked: written, then validated as `llm-hub validate` reads it
  Java  ObjectMapper.writeValueAsString(record)   unchecked (Hub.newObjectMapper())
        Hub.encode(record)            checked: NaN walk, schema validation, then written
and of reading the lines back into the same types:
  Go    json.Unmarshal(line, value)   unchecked, into a new value of the event's type
        schemas.DecodeType("", "events.AnalyticsEvent", line)   checked: parsed, validated by the
                                      line's schema_version, decoded
  Java  ObjectMapper.readValue(line, class)       unchecked
        Hub.decode(line, class)       checked: parsed, validated, bound
with the ratio checked/unchecked, as medians of --repeat rounds (each row once per round, interleaved),
after a warm-up round. Every checked write is also compared with the unchecked text, so a check that
changed the output cannot pass unnoticed. Toolchains and caches as in the tests (tests/go_support.py,
tests/java_build.py: build/go-cache, build/m2 offline); tests/test_bench_write_checks.py runs it on a
few lines so that it cannot silently stop running.

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
	var texts [][]byte
	var values []schemas.Typed
	for lines.Scan() {
		text := append([]byte(nil), lines.Bytes()...)
		value, err := schemas.DecodeType("", "events.AnalyticsEvent", text)
		if err != nil {
			panic(err)
		}
		texts = append(texts, text)
		values = append(values, value)
	}
	for _, value := range values {
		plain, err := json.Marshal(value)
		checked, err2 := schemas.Marshal(value)
		if err != nil || err2 != nil || !bytes.Equal(plain, checked) {
			panic(fmt.Sprint(err, err2))
		}
	}
	// An unchecked read: encoding/json into a fresh value of the type the checked read chose.
	fresh := func(i int) schemas.Typed {
		version, typeName := values[i].SchemaType()
		value, _ := schemas.New(version, typeName)
		return value
	}
	rows := map[string]func(i int){
		"unchecked": func(i int) { _, _ = json.Marshal(values[i]) },
		"checked":   func(i int) { _, _ = schemas.Marshal(values[i]) },
		"read_unchecked": func(i int) {
			if err := json.Unmarshal(texts[i], fresh(i)); err != nil {
				panic(err)
			}
		},
		"read_checked": func(i int) {
			if _, err := schemas.DecodeType("", "events.AnalyticsEvent", texts[i]); err != nil {
				panic(err)
			}
		},
	}
	rates := map[string][]float64{}
	for round := 0; round <= repeat; round++ {
		for _, row := range []string{"unchecked", "checked", "read_unchecked", "read_checked"} {
			start := time.Now()
			for i := range values {
				rows[row](i)
			}
			if round > 0 {
				rates[row] = append(rates[row], float64(len(values))/time.Since(start).Seconds())
			}
		}
	}
	medians := map[string]float64{}
	for row, values := range rates {
		medians[row] = median(values)
	}
	out, _ := json.Marshal(medians)
	fmt.Println(string(out))
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
        List<String> lines = new ArrayList<>();
        String line;
        while ((line = in.readLine()) != null) {
            Class<?> model = Validator.modelClass(Validator.versionOf(null, Validator.parse(line)), "AnalyticsEvent");
            values.add(Hub.decode(line, model));
            lines.add(line);
        }
        ObjectMapper plain = Hub.newObjectMapper();
        for (Object value : values) {
            if (!plain.writeValueAsString(value).equals(Hub.encode(value))) {
                throw new AssertionError("Hub.encode changed " + value);
            }
        }
        String[] texts = lines.toArray(new String[0]);
        String[] rows = {"unchecked", "checked", "read_unchecked", "read_checked"};
        double[][] rates = new double[rows.length][repeat];
        for (int round = -1; round < repeat; round++) {
            for (int row = 0; row < rows.length; row++) {
                long start = System.nanoTime();
                for (int i = 0; i < texts.length; i++) {
                    Object value = values.get(i);
                    switch (row) {
                        case 0 -> plain.writeValueAsString(value);
                        case 1 -> Hub.encode(value);
                        case 2 -> plain.readValue(texts[i], value.getClass());
                        default -> Hub.decode(texts[i], value.getClass());
                    }
                }
                long end = System.nanoTime();
                if (round >= 0) {
                    rates[row][round] = texts.length / ((end - start) / 1e9);
                }
            }
        }
        StringBuilder out = new StringBuilder("{");
        for (int row = 0; row < rows.length; row++) {
            out.append(row > 0 ? ", " : "").append('"').append(rows[row]).append("\\": ")
                    .append(median(rates[row]));
        }
        System.out.println(out.append('}'));
    }
}
"""


def event_lines(count: int) -> str:
    made = subprocess.run([sys.executable, str(HERE / "make_events.py"), "--count", str(count), "--invalid-share",
                           "0", "--version", "interleaved"], capture_output=True, check=True)
    return made.stdout.decode("utf-8")


def measure(lines: str, repeat: int, scratch: Path) -> dict[str, dict[str, float]]:
    """Median events/s of each row (unchecked, checked, read_unchecked, read_checked) per language."""
    rows: dict[str, dict[str, float]] = {}
    folder = consumer_module(scratch / "go", GO_PROGRAM.replace("{module}", MODULE))
    done = run_go(["go", "build", "-o", "bench", "."], cwd=folder, timeout=900)
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    done = subprocess.run([str(folder / "bench"), str(repeat)], input=lines, capture_output=True, text=True,
                          check=False, timeout=3600)
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    rows["Go"] = json.loads(done.stdout)
    java = session_build()
    source = scratch / "WriteBench.java"
    source.write_text(JAVA_PROGRAM, encoding="utf-8")
    javac([source], scratch / "java", java.classpath)
    done = run(["java", "-cp", f"{scratch / 'java'}:{java.classpath}", "WriteBench", str(repeat)], input=lines,
               timeout=3600)
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    rows["Java"] = json.loads(done.stdout)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-write-") as scratch:
        rows = measure(event_lines(args.lines), args.repeat, Path(scratch))
    print(f"{args.lines} events (1.0.0 and 1.1.0 interleaved), medians of {args.repeat} rounds, one thread")
    for language, rates in rows.items():
        for kind, prefix in (("write", ""), ("read", "read_")):
            unchecked, checked = rates[f"{prefix}unchecked"], rates[f"{prefix}checked"]
            print(f"  {language:4}  {kind:5}  unchecked {unchecked:>10,.0f} events/s   checked {checked:>10,.0f} "
                  f"events/s   checked/unchecked {checked / unchecked:.2f}x")


if __name__ == "__main__":
    main()
