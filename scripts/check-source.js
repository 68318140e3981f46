// Source rules that tsc does not check (CONTRIBUTING.md): no `any`, no `@ts-ignore`, no default
// exports, no barrels (index.ts) in src/. Test files may use `any` sparingly.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function files(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) files(p, out);
    else if (name.endsWith('.ts')) out.push(p);
  }
  return out;
}

const rules = [
  { re: /@ts-ignore|@ts-nocheck/, msg: 'suppressed type errors', tests: true },
  { re: /(:\s*any\b|\bas any\b|<any>|any\[\])/, msg: 'the any type (use unknown and narrow it)', tests: false },
  { re: /^export default /m, msg: 'a default export (use named exports)', tests: true },
];
const problems = [];
for (const f of files('src')) {
  const isTest = /\.test\.ts$|testsuite\.ts$|\/testing\//.test(f);
  if (f.endsWith('/index.ts')) problems.push(`${f}: a barrel file (import the module you mean)`);
  const lines = readFileSync(f, 'utf8').split('\n');
  lines.forEach((line, i) => {
    if (/^\s*(\/\/|\*)/.test(line)) return;
    for (const r of rules) {
      if (isTest && !r.tests) continue;
      if (r.re.test(line)) problems.push(`${f}:${i + 1}: ${r.msg}`);
    }
  });
}
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
