export { riskLevels, symptomKinds } from '@zhengtong/contracts';

/** Calendar date in Asia/Shanghai, `days` before now. */
export function shanghaiDate(daysAgo = 0, now = Date.now()): string {
  return new Date(now - daysAgo * 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 10);
}

/** Local checks mirroring the server's, so most mistakes are caught before sending. */
export function validateDeclaration(d: {
  measured: boolean;
  temperature: number;
  visited: { regionCode: string; date: string }[];
  consent: boolean;
}): Record<string, string> {
  const errors: Record<string, string> = {};
  if (d.measured && (d.temperature < 34 || d.temperature > 43))
    errors.temperature = 'health.declare.errors.temperature';
  const earliest = shanghaiDate(14);
  const today = shanghaiDate(0);
  d.visited.forEach((v, i) => {
    if (!v.regionCode) errors[`visited.${i}.regionCode`] = 'health.declare.errors.region';
    if (!v.date || v.date < earliest || v.date > today) errors[`visited.${i}.date`] = 'health.declare.errors.date';
  });
  if (!d.consent) errors.consent = 'health.declare.errors.consent';
  return errors;
}
