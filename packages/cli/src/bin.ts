import { main } from './main';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`error: ${(e as Error)?.message ?? String(e)}\n`);
    process.exitCode = 2;
  },
);
