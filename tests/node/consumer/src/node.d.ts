// The one Node API this program uses. A project would add @types/node; the tests' pinned Node tooling
// (tests/node/package.json) has TypeScript alone, so the declaration is spelt out here.
declare module "node:fs" {
  export function readFileSync(fd: number, encoding: "utf8"): string;
}
