// Writes an Arrow IPC file or stream with apache-arrow (JavaScript) holding two
// arrow.fixed_shape_tensor columns (extension type declared through the field metadata
// ARROW:extension:name / ARROW:extension:metadata, storage FixedSizeList) and one plain column,
// in two record batches, then prints as JSON what it wrote so that the Java side can compare.
//
//   t: float32 tensors, physical shape [2, 3], permutation [1, 0] (logical shape [3, 2]),
//      dim_names ["x", "y"], value k of the whole column = k * 0.5
//   u: int16 tensors of shape [3], value k = 1000 - 7 * k
//   c: float64, value of row r = r / 4
//
// usage: node write_tensor.mjs <out> <file|stream>
import { writeFileSync } from 'node:fs';
import {
  Field, FixedSizeList, Float32, Float64, Int16, RecordBatch, Schema, Struct, Table,
  makeData, tableToIPC,
} from 'apache-arrow';

const [out, format] = process.argv.slice(2);
if (!out || (format !== 'file' && format !== 'stream')) {
  console.error('usage: node write_tensor.mjs <out> <file|stream>');
  process.exit(64);
}

const tMeta = '{"shape":[2,3],"dim_names":["x","y"],"permutation":[1,0]}';
const uMeta = '{"shape":[3]}';
const ext = (json) => new Map([
  ['ARROW:extension:name', 'arrow.fixed_shape_tensor'],
  ['ARROW:extension:metadata', json],
]);
const tType = new FixedSizeList(6, new Field('item', new Float32(), false));
const uType = new FixedSizeList(3, new Field('item', new Int16(), false));
const schema = new Schema([
  new Field('t', tType, false, ext(tMeta)),
  new Field('u', uType, false, ext(uMeta)),
  new Field('c', new Float64(), false),
]);

const batchRows = [2, 3];
const tAll = [];
const uAll = [];
const cAll = [];
let row = 0;
const batches = batchRows.map((rows) => {
  const t = new Float32Array(rows * 6);
  const u = new Int16Array(rows * 3);
  const c = new Float64Array(rows);
  for (let i = 0; i < t.length; i++) { t[i] = (tAll.length) * 0.5; tAll.push(t[i]); }
  for (let i = 0; i < u.length; i++) { u[i] = 1000 - 7 * uAll.length; uAll.push(u[i]); }
  for (let i = 0; i < rows; i++, row++) { c[i] = row / 4; cAll.push(c[i]); }
  const tData = makeData({ type: tType, length: rows, nullCount: 0,
    child: makeData({ type: new Float32(), length: t.length, nullCount: 0, data: t }) });
  const uData = makeData({ type: uType, length: rows, nullCount: 0,
    child: makeData({ type: new Int16(), length: u.length, nullCount: 0, data: u }) });
  const cData = makeData({ type: new Float64(), length: rows, nullCount: 0, data: c });
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: rows,
    nullCount: 0, children: [tData, uData, cData] }));
});
writeFileSync(out, tableToIPC(new Table(batches), format));
console.log(JSON.stringify({
  format,
  numRows: row,
  numBatches: batches.length,
  metadata: { t: tMeta, u: uMeta },
  values: { t: tAll, u: uAll, c: cAll },
}));
