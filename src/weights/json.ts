/** The one JSON shape test both JSON readers need (symbol files, safetensors headers). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
