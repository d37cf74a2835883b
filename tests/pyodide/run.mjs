// make test-pyodide: CPython 3.14 compiled to WebAssembly (the npm package pyodide, pinned in
// package-lock.json) runs the Python-internals pages' examples and explained.python's unit tests.
// Usage: node tests/pyodide/run.mjs BLOCKS.json VERIFIED.json
//   BLOCKS.json   the blocks the gate ran, recorded on the host by record.py
//   VERIFIED.json written here: the Python version and, per page, how many examples passed
// Exits non-zero when an example or a unit test fails.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadPyodide } from "pyodide";

const [blocksPath, verifiedPath] = process.argv.slice(2);
const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");
const pyodide = await loadPyodide();

// The checkout's code, mounted at the same absolute paths as on the host, so that file:line in a
// failure points at the real file. Only what runs is mounted; Python writes no bytecode into it.
for (const dir of ["src", "docs/_ext", "tests"]) {
  const path = `${root}/${dir}`;
  pyodide.FS.mkdirTree(path);
  pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root: path }, path);
}
// pytest takes its settings (filterwarnings = error, pythonpath, ...) from pyproject.toml: a copy.
pyodide.FS.writeFile(`${root}/pyproject.toml`, readFileSync(`${root}/pyproject.toml`));

pyodide.globals.set("blocks_json", readFileSync(blocksPath, "utf8"));
let result;
try {
  result = await pyodide.runPythonAsync(`
import sys
sys.dont_write_bytecode = True
sys.path.insert(0, ${JSON.stringify(here)})
import in_pyodide
in_pyodide.main(blocks_json)
`);
} catch (error) {
  console.error(error.message); // a Python traceback; the JavaScript stack says nothing more
  process.exit(2);
}
const [status, verified] = result.toJs();
writeFileSync(verifiedPath, verified + "\n");
process.exit(status);
