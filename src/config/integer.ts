/**
 * The one parser of whole-number flags and env values (ports, limits, pool sizes, concurrency):
 * decimal digits only, surrounding spaces ignored ("1.5", "1e3", "0x10", "" are not whole numbers),
 * within [min, max]. Undefined when not; callers word the problem for their flag.
 */
export function parseWholeNumber(raw: string, min: number, max: number = Number.MAX_SAFE_INTEGER): number | undefined {
  const text = raw.trim();
  if (!/^\d+$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) && value >= min && value <= max ? value : undefined;
}
