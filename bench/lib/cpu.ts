import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** Linux's clock ticks per second for /proc times (USER_HZ, 100 on every mainstream build). */
const TICKS = 100;

const processSeconds = (pid: number) => {
  // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
};

const machineSeconds = () => {
  // user nice system idle iowait irq softirq steal guest guest_nice: the busy ones are this machine's
  // own work (guest time is already in user and nice; steal is the host's, not ours).
  const [user, nice, system, , , irq, softirq] = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]!
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return (user! + nice! + system! + irq! + softirq!) / TICKS;
};

/** CPU seconds per second: 1 is one core kept busy. */
export interface CpuShares {
  loader: number;
  server: number;
  machine: number;
}

/**
 * Samples, each second, the CPU of the loader (this process), the server processes (together) and the
 * whole machine; `stop` answers the busiest second of each, as cores kept busy, and the cores there are:
 * whether a figure is the server's limit or the machine's (the loader, PostgreSQL and Redis share its
 * cores). Null where /proc is not there (not Linux).
 */
export function sampleCpu(serverPids: number[]): { stop(): { peak: CpuShares; cores: number } | null } {
  const read = () => ({
    loader: process.cpuUsage(),
    server: serverPids.reduce((sum, pid) => sum + processSeconds(pid), 0),
    machine: machineSeconds(),
    at: performance.now(),
  });
  let last: ReturnType<typeof read>;
  try {
    last = read();
  } catch {
    return { stop: () => null };
  }
  const peak: CpuShares = { loader: 0, server: 0, machine: 0 };
  const timer = setInterval(() => {
    const now = read();
    const seconds = (now.at - last.at) / 1000;
    const loader = process.cpuUsage(last.loader);
    peak.loader = Math.max(peak.loader, (loader.user + loader.system) / 1e6 / seconds);
    peak.server = Math.max(peak.server, (now.server - last.server) / seconds);
    peak.machine = Math.max(peak.machine, (now.machine - last.machine) / seconds);
    last = now;
  }, 1000);
  return {
    stop: () => {
      clearInterval(timer);
      return { peak, cores: availableParallelism() };
    },
  };
}
