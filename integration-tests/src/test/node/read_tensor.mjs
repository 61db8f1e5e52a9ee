// Reads Arrow IPC files or streams with apache-arrow (JavaScript), an Arrow implementation
// independent of Arrow Java, and prints what it sees as JSON on stdout: one entry per file with
// the format, row and batch counts, every field's type and metadata (extension name and
// metadata included), and every column's values, both as numbers and as the hex of their raw
// little-endian bytes (for tensor columns: the child values of the FixedSizeList, all batches).
//
// usage: node read_tensor.mjs <file> [<file> ...]
import { readFileSync } from 'node:fs';
import { tableFromIPC, Type } from 'apache-arrow';

function jsonNumber(v) {
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  return v;
}

// the raw bytes of `length` values of a primitive Data, from its offset
function rawHex(data) {
  const t = data.type;
  if (t.typeId === Type.Bool) {
    return null; // bit-packed: compared through values
  }
  const values = data.values;
  const stride = data.stride ?? 1;
  const sub = values.subarray(data.offset * stride, (data.offset + data.length) * stride);
  return Buffer.from(sub.buffer, sub.byteOffset, sub.byteLength).toString('hex');
}

function describe(path) {
  const bytes = readFileSync(path);
  const isFile = bytes.length >= 6 && bytes.subarray(0, 6).toString('latin1') === 'ARROW1';
  const table = tableFromIPC(bytes);
  const fields = table.schema.fields.map((f) => {
    const md = Object.fromEntries(f.metadata ?? new Map());
    const out = {
      name: f.name,
      type: String(f.type),
      typeId: Type[f.type.typeId],
      nullable: f.nullable,
      extensionName: md['ARROW:extension:name'] ?? null,
      extensionMetadata: md['ARROW:extension:metadata'] ?? null,
    };
    if (f.type.typeId === Type.FixedSizeList) {
      out.listSize = f.type.listSize;
      out.valueType = String(f.type.children[0].type);
    }
    return out;
  });
  const columns = {};
  for (const f of table.schema.fields) {
    const vector = table.getChild(f.name);
    let hex = '';
    let count = 0;
    let nullCount = 0;
    for (const data of vector.data) {
      nullCount += data.nullCount;
      const leaf = f.type.typeId === Type.FixedSizeList ? data.children[0] : data;
      const part = rawHex(leaf);
      hex = part === null || hex === null ? null : hex + part;
      count += leaf.length;
    }
    // values through the public Vector API rather than the buffers
    const size = f.type.listSize;
    const get = f.type.typeId === Type.FixedSizeList
      ? (i) => vector.get(Math.floor(i / size)).get(i % size)
      : (i) => vector.get(i);
    const values = [];
    for (let i = 0; i < count; i++) {
      values.push(jsonNumber(get(i)));
    }
    columns[f.name] = { hex, values, nullCount };
  }
  return {
    path,
    format: isFile ? 'file' : 'stream',
    numRows: table.numRows,
    numBatches: table.batches.length,
    fields,
    columns,
  };
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node read_tensor.mjs <file> [<file> ...]');
  process.exit(64);
}
console.log(JSON.stringify(files.map(describe)));
