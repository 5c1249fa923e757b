// Runs programs written by crates/codegen for the AWS SDK for JavaScript v3 and reports what
// each one's `response` was, for tests/codegen/test_codegen.py.
//
// Usage: node run_generated.mjs OUT.json CASE.mjs...
//
// Each CASE.mjs is a generated program with `export { response };` appended, written inside
// tests/sdk so that its imports resolve to tests/sdk/node_modules. They run one after another
// in this process, each creating its own client (which reads AWS_ENDPOINT_URL then). OUT.json
// gets one entry per case: {"response": ...} with $metadata dropped, Uint8Arrays as base64
// and Dates as epoch seconds (the wire's forms), or {"error": {"name", "message"}}.
import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

function wireForm(value) {
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  if (value instanceof Date) return value.getTime() / 1000;
  if (value instanceof Set) return [...value].map(wireForm);
  if (Array.isArray(value)) return value.map(wireForm);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key, v]) => key !== "$metadata" && v !== undefined)
        .map(([key, v]) => [key, wireForm(v)]),
    );
  }
  return value;
}

const [out, ...cases] = process.argv.slice(2);
const results = [];
for (const file of cases) {
  try {
    const program = await import(pathToFileURL(file).href);
    results.push({ response: wireForm(program.response) });
  } catch (e) {
    results.push({ error: { name: e.name, message: e.message } });
  }
}
writeFileSync(out, JSON.stringify(results));
