/** Named float32 arrays in one binary file: a JSON header (names and lengths), its byte length first, then the data. */
export function encodeWeights(arrays: Record<string, Float32Array>): Uint8Array {
  const header = new TextEncoder().encode(JSON.stringify(Object.entries(arrays).map(([name, a]) => [name, a.length])));
  const pad = (4 - ((4 + header.length) % 4)) % 4;
  const total = 4 + header.length + pad + Object.values(arrays).reduce((s, a) => s + a.byteLength, 0);
  const out = new Uint8Array(total);
  new DataView(out.buffer).setUint32(0, header.length + pad, true);
  out.set(header, 4);
  out.fill(0x20, 4 + header.length, 4 + header.length + pad);
  let off = 4 + header.length + pad;
  for (const a of Object.values(arrays)) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), off);
    off += a.byteLength;
  }
  return out;
}

export function decodeWeights(bytes: Uint8Array): Record<string, Float32Array> {
  const hl = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true);
  const entries = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + hl))) as [string, number][];
  const out: Record<string, Float32Array> = {};
  let off = 4 + hl;
  for (const [name, len] of entries) {
    out[name] = new Float32Array(bytes.slice(off, off + 4 * len).buffer);
    off += 4 * len;
  }
  return out;
}
