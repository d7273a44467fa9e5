/** Exit with a one-line reason on stderr: the contract scripts and runbooks rely on. */
export function fail(reason: string, exitCode = 1): never {
  process.stderr.write(`egov-noc: ${reason}\n`);
  process.exit(exitCode);
}
