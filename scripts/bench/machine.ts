import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';

export interface Machine {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  /** 1-minute load average when the bench started: other work on the machine skews timings. */
  loadAverage: number;
  node: string;
  chromium: string;
  date: string;
}

function cpuModel(): string {
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (match?.[1]) return match[1].trim();
  } catch {
    // No /proc (not Linux): Node's own reading below.
  }
  return cpus()[0]?.model ?? 'unknown';
}

function chromiumVersion(executablePath: string): string {
  // Debian's wrapper script may complain on stderr; the version is the line on stdout.
  const output = execFileSync(executablePath, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return output.trim();
}

export function describeMachine(chromiumPath: string): Machine {
  return {
    cpuModel: cpuModel(),
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    loadAverage: Math.round((loadavg()[0] ?? 0) * 100) / 100,
    node: process.version,
    chromium: chromiumVersion(chromiumPath),
    date: new Date().toISOString(),
  };
}
