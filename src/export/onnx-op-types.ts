/**
 * The op types of an ONNX model's main graph, read straight from the protobuf wire format.
 *
 * The onnxruntime SUTs need only this of every model they prepare (twice: the model they were given
 * and the optimized one onnxruntime wrote), inside their worker processes. Decoding with the full
 * ONNX schema (protobufjs and the generated `onnx-proto` module, through the importer) cost every
 * worker start about 120 ms of CPU to load (a campaign starts a worker per SUT, and another at every
 * restart) and built an object for every field of the model on each call; this reads
 * graph.node[].op_type and .domain and skips the rest.
 */

/** A node's op type and its domain ('' for the default ONNX domain), as the model spells them. */
export interface NodeOpType {
  readonly opType: string;
  readonly domain: string;
}

// Field numbers of the ONNX schema (onnx/onnx.proto): ModelProto.graph, GraphProto.node, NodeProto.op_type and .domain.
const MODEL_GRAPH = 7;
const GRAPH_NODE = 1;
const NODE_OP_TYPE = 4;
const NODE_DOMAIN = 7;

const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

const utf8 = new TextDecoder();

/** A cursor over protobuf bytes; every read checks that the message does not end mid-field. */
class WireReader {
  pos: number;

  constructor(
    readonly bytes: Uint8Array,
    start: number,
    readonly end: number,
  ) {
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** An unsigned varint (up to 2^53: lengths and field tags never come near it). */
  varint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new Error('an ONNX model ends inside a varint');
      const b = this.bytes[this.pos++]!;
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 128;
    }
    throw new Error('an ONNX model has a varint longer than 10 bytes');
  }

  /** The [start, end) of a length-delimited field's payload; the cursor moves past it. */
  payload(): [number, number] {
    const length = this.varint();
    const start = this.pos;
    if (length > this.end - start) throw new Error('an ONNX model has a field longer than the message that holds it');
    this.pos = start + length;
    return [start, this.pos];
  }

  skip(wireType: number): void {
    if (wireType === VARINT) this.varint();
    else if (wireType === LENGTH_DELIMITED) this.payload();
    else if (wireType === FIXED64 || wireType === FIXED32) {
      this.pos += wireType === FIXED64 ? 8 : 4;
      if (this.pos > this.end) throw new Error('an ONNX model ends inside a fixed-size field');
    } else throw new Error(`an ONNX model has a field of protobuf wire type ${wireType}, which ONNX does not use`);
  }

  /** Calls `field` for each field of the message; it reads the field's value or returns false to skip it. */
  fields(field: (fieldNumber: number, wireType: number) => boolean): void {
    while (!this.done) {
      const tag = this.varint();
      const wireType = tag % 8;
      if (!field(Math.floor(tag / 8), wireType)) this.skip(wireType);
    }
  }

  /** A reader over the payload of the length-delimited field at the cursor. */
  sub(): WireReader {
    const [start, end] = this.payload();
    return new WireReader(this.bytes, start, end);
  }

  string(): string {
    const [start, end] = this.payload();
    return utf8.decode(this.bytes.subarray(start, end));
  }
}

/** A NodeProto's op type and domain (the last occurrence of each wins, as in protobuf). */
function nodeOpType(node: WireReader): NodeOpType {
  let opType = '';
  let domain = '';
  node.fields((n, w) => {
    if (w !== LENGTH_DELIMITED) return false;
    if (n === NODE_OP_TYPE) opType = node.string();
    else if (n === NODE_DOMAIN) domain = node.string();
    else return false;
    return true;
  });
  return { opType, domain };
}

/**
 * The op type and domain of each node of a serialized ModelProto's main graph, in order (nodes of
 * subgraphs inside attributes are not listed). As protobuf merges a message field that occurs more
 * than once, every occurrence of the graph contributes its nodes.
 */
export function graphOpTypes(model: Uint8Array): NodeOpType[] {
  const ops: NodeOpType[] = [];
  const top = new WireReader(model, 0, model.length);
  top.fields((n, w) => {
    if (n !== MODEL_GRAPH || w !== LENGTH_DELIMITED) return false;
    const graph = top.sub();
    graph.fields((gn, gw) => {
      if (gn !== GRAPH_NODE || gw !== LENGTH_DELIMITED) return false;
      ops.push(nodeOpType(graph.sub()));
      return true;
    });
    return true;
  });
  return ops;
}
