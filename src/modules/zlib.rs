//! `_zlib`: deflate and inflate on the C zlib library (through flate2's `zlib` backend,
//! so compressed bytes are the ones CPython's zlib module makes), driven the way
//! CPython 3.11's Modules/zlibmodule.c drives it: the same flush modes per call, the same
//! output block sizes (stored blocks at level 0 depend on them), the same error texts.
//! stdlib/zlib.aio checks arguments and wraps the handles here in `Compress` and
//! `Decompress` objects.
//!
//! flate2 has no `deflateCopy`/`inflateCopy`: a stream records the calls it made and
//! `copy()` replays them into a fresh stream (up to `LOG_LIMIT` bytes of input).

use crate::obj::function::{Args, NativeFn};
use crate::obj::methods::bytes::bytes_data;
use crate::vm::errors::{
    new_exception, not_implemented, type_error, value_error, ExcRef, PyResult,
};
use crate::vm::value::{ObjRef, Value};
use crate::vm::Vm;
use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};
use std::collections::HashMap;

/// CPython's output block sizes (Include/internal/pycore_blocks_output_buffer.h).
const BLOCKS: [usize; 17] = [
    32 << 10,
    64 << 10,
    256 << 10,
    1 << 20,
    4 << 20,
    8 << 20,
    16 << 20,
    16 << 20,
    32 << 20,
    32 << 20,
    32 << 20,
    32 << 20,
    64 << 20,
    64 << 20,
    128 << 20,
    128 << 20,
    256 << 20,
];

/// Input a stream keeps for `copy()`; past it the log is dropped and copy() says so.
const LOG_LIMIT: usize = 64 << 20;

const Z_NEED_DICT: i64 = 2;
const Z_STREAM_ERROR: i64 = -2;
const Z_DATA_ERROR: i64 = -3;
const Z_BUF_ERROR: i64 = -5;

/// The header a stream reads or writes.
#[derive(Clone, Copy, PartialEq)]
enum Wrap {
    Zlib,
    Raw,
    Gzip,
    /// Decompression only: zlib or gzip, decided by the first two bytes.
    Auto,
}

/// One low-level call, for replay by `copy()`.
#[derive(Clone)]
enum Call {
    Data {
        input: Vec<u8>,
        out_len: usize,
        flush: u8,
    },
    Dict(Vec<u8>),
}

#[derive(Clone)]
struct Log {
    calls: Option<Vec<Call>>,
    bytes: usize,
}

impl Log {
    fn new() -> Log {
        Log {
            calls: Some(Vec::new()),
            bytes: 0,
        }
    }

    fn push(&mut self, call: Call) {
        let n = match &call {
            Call::Data { input, .. } => input.len(),
            Call::Dict(d) => d.len(),
        };
        self.bytes += n;
        if self.bytes > LOG_LIMIT {
            self.calls = None;
        } else if let Some(calls) = &mut self.calls {
            calls.push(call);
        }
    }
}

struct Deflater {
    z: Compress,
    level: i64,
    wbits: i64,
    log: Log,
    /// After Z_FINISH reached the end (CPython has called deflateEnd).
    ended: bool,
}

struct Inflater {
    /// None while an auto-detecting stream waits for its first two bytes.
    z: Option<Decompress>,
    wrap: Wrap,
    window: u8,
    zdict: Option<Vec<u8>>,
    pending: Vec<u8>,
    eof: bool,
    /// Flushed at the end: CPython has called inflateEnd.
    ended: bool,
    unused_data: Vec<u8>,
    unconsumed_tail: Vec<u8>,
    log: Log,
}

/// The streams in progress, by handle, and `zlib.error`.
#[derive(Default)]
pub struct ZlibState {
    deflaters: HashMap<i64, Deflater>,
    inflaters: HashMap<i64, Inflater>,
    next: i64,
    error: Option<ObjRef>,
}

impl ZlibState {
    fn handle(&mut self) -> i64 {
        self.next += 1;
        self.next
    }
}

fn zerror(vm: &Vm, msg: String) -> ExcRef {
    match &vm.zlib.error {
        Some(cls) => new_exception(cls.clone(), Value::tuple(vec![Value::string(msg)])),
        None => value_error(msg),
    }
}

/// CPython's zlib_error(): the library's message if it gave one, else a text for the code.
fn zlib_error(vm: &Vm, code: i64, zmsg: Option<&str>, doing: &str) -> ExcRef {
    let fallback = match code {
        Z_BUF_ERROR => Some("incomplete or truncated stream"),
        Z_STREAM_ERROR => Some("inconsistent stream state"),
        Z_DATA_ERROR => Some("invalid input data"),
        _ => None,
    };
    match zmsg.or(fallback) {
        Some(m) => zerror(vm, format!("Error {code} {doing}: {m}")),
        None => zerror(vm, format!("Error {code} {doing}")),
    }
}

fn int_arg(args: &Args, i: usize) -> PyResult<i64> {
    match args.pos.get(i) {
        Some(Value::Int(n)) => Ok(*n),
        Some(Value::Bool(b)) => Ok(*b as i64),
        _ => Err(type_error("an integer is required")),
    }
}

fn data_arg(args: &Args, i: usize) -> PyResult<Vec<u8>> {
    let v = args.pos.get(i);
    v.and_then(bytes_data).ok_or_else(|| {
        v.and_then(crate::obj::methods::bytes::buffer_error)
            .unwrap_or_else(|| type_error("a bytes-like object is required"))
    })
}

fn opt_data_arg(args: &Args, i: usize) -> PyResult<Option<Vec<u8>>> {
    match args.pos.get(i) {
        None | Some(Value::None) => Ok(None),
        Some(_) => data_arg(args, i).map(Some),
    }
}

fn block(i: usize) -> usize {
    BLOCKS[i.min(BLOCKS.len() - 1)]
}

/// wbits for compression: (header, window bits), or None where deflateInit2 refuses them.
fn deflate_wbits(wbits: i64) -> Option<(Wrap, u8)> {
    match wbits {
        // zlib turns a zlib-wrapped window of 8 bits into 9.
        8 => Some((Wrap::Zlib, 9)),
        9..=15 => Some((Wrap::Zlib, wbits as u8)),
        -15..=-9 => Some((Wrap::Raw, (-wbits) as u8)),
        25..=31 => Some((Wrap::Gzip, (wbits - 16) as u8)),
        _ => None,
    }
}

/// wbits for decompression as inflateInit2 reads them; `Err` for a valid value aio can't do.
fn inflate_wbits(wbits: i64) -> Result<Option<(Wrap, u8)>, ExcRef> {
    let (wrap, bits) = match wbits {
        -15..=-8 => (Wrap::Raw, -wbits),
        0..=15 => (Wrap::Zlib, wbits),
        16..=31 => (Wrap::Gzip, wbits - 16),
        32..=47 => (Wrap::Auto, wbits - 32),
        _ => return Ok(None),
    };
    match bits {
        // 0: the window the header names, which is at most 15 bits.
        0 if wrap != Wrap::Raw => Ok(Some((wrap, 15))),
        9..=15 => Ok(Some((wrap, bits as u8))),
        8 => Err(not_implemented(
            "zlib: decompressing with an 8-bit window (wbits 8, -8, 24 or 40) is not supported by aio",
        )),
        _ => Ok(None),
    }
}

fn new_compress(level: i64, wrap: Wrap, bits: u8) -> Compress {
    let level = if level < 0 {
        Compression::default()
    } else {
        Compression::new(level as u32)
    };
    match wrap {
        Wrap::Gzip => Compress::new_gzip(level, bits),
        _ => Compress::new_with_window_bits(level, wrap == Wrap::Zlib, bits),
    }
}

fn new_decompress(wrap: Wrap, bits: u8) -> Decompress {
    match wrap {
        Wrap::Gzip => Decompress::new_gzip(bits),
        _ => Decompress::new_with_window_bits(wrap != Wrap::Raw, bits),
    }
}

fn flush_compress(mode: u8) -> FlushCompress {
    match mode {
        1 => FlushCompress::Partial,
        2 => FlushCompress::Sync,
        3 => FlushCompress::Full,
        4 => FlushCompress::Finish,
        _ => FlushCompress::None,
    }
}

fn flush_decompress(mode: u8) -> FlushDecompress {
    match mode {
        2 => FlushDecompress::Sync,
        4 => FlushDecompress::Finish,
        _ => FlushDecompress::None,
    }
}

/// Deflates all of `input` with `mode`, calling deflate until it leaves output space, as
/// CPython does. Err(()) is Z_STREAM_ERROR.
fn deflate_all(
    z: &mut Compress,
    log: &mut Log,
    input: &[u8],
    mode: u8,
) -> Result<(Vec<u8>, Status), ()> {
    let mut out = Vec::new();
    let mut pos = 0;
    let mut blocks = 0;
    let mut room = 0usize;
    loop {
        if room == 0 {
            room = block(blocks);
            blocks += 1;
        }
        let start = out.len();
        out.resize(start + room, 0);
        let (in0, out0) = (z.total_in(), z.total_out());
        let status = z
            .compress(&input[pos..], &mut out[start..], flush_compress(mode))
            .map_err(|_| ())?;
        let used = (z.total_in() - in0) as usize;
        let made = (z.total_out() - out0) as usize;
        log.push(Call::Data {
            input: input[pos..pos + used].to_vec(),
            out_len: room,
            flush: mode,
        });
        pos += used;
        out.truncate(start + made);
        room -= made;
        if room != 0 {
            return Ok((out, status));
        }
    }
}

/// One outcome of an inflate call as CPython's switch sees it.
enum Inflated {
    Code(i64),
    Error(Option<String>),
}

/// The zlib.error of an inflate step that failed: its code, or a data error with zlib's
/// message.
fn inflate_failed(vm: &Vm, failed: Inflated) -> ExcRef {
    match failed {
        Inflated::Code(code) => zlib_error(vm, code, None, "while decompressing data"),
        Inflated::Error(m) => {
            zlib_error(vm, Z_DATA_ERROR, m.as_deref(), "while decompressing data")
        }
    }
}

fn inflate_once(z: &mut Decompress, input: &[u8], out: &mut [u8], mode: u8) -> Inflated {
    match z.decompress(input, out, flush_decompress(mode)) {
        Ok(Status::Ok) => Inflated::Code(0),
        Ok(Status::StreamEnd) => Inflated::Code(1),
        Ok(Status::BufError) => Inflated::Code(Z_BUF_ERROR),
        Err(e) if e.needs_dictionary().is_some() => Inflated::Code(Z_NEED_DICT),
        Err(e) => Inflated::Error(e.message().map(str::to_string)),
    }
}

/// `compress(data, level, wbits)`
fn compress(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("compress", 3, 3)?;
    let data = data_arg(args, 0)?;
    let level = int_arg(args, 1)?;
    let wbits = int_arg(args, 2)?;
    let Some((wrap, bits)) = deflate_wbits(wbits).filter(|_| (-1..=9).contains(&level)) else {
        return Err(zerror(vm, "Bad compression level".into()));
    };
    let mut z = new_compress(level, wrap, bits);
    let mut log = Log {
        calls: None,
        bytes: 0,
    };
    match deflate_all(&mut z, &mut log, &data, 4) {
        Ok((out, Status::StreamEnd)) => Ok(Value::bytes(out)),
        Ok(_) => Err(zlib_error(vm, Z_BUF_ERROR, None, "while compressing data")),
        Err(()) => Err(zlib_error(
            vm,
            Z_STREAM_ERROR,
            None,
            "while compressing data",
        )),
    }
}

/// `decompress(data, wbits, bufsize)`
fn decompress(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("decompress", 3, 3)?;
    let data = data_arg(args, 0)?;
    let wbits = int_arg(args, 1)?;
    let bufsize = int_arg(args, 2)?.max(1) as usize;
    let Some((mut wrap, bits)) = inflate_wbits(wbits)? else {
        return Err(zlib_error(
            vm,
            Z_STREAM_ERROR,
            None,
            "while preparing to decompress data",
        ));
    };
    if wrap == Wrap::Auto {
        if data.len() < 2 {
            return Err(zlib_error(
                vm,
                Z_BUF_ERROR,
                None,
                "while decompressing data",
            ));
        }
        wrap = if data[..2] == [0x1f, 0x8b] {
            Wrap::Gzip
        } else {
            Wrap::Zlib
        };
    }
    let mut z = new_decompress(wrap, bits);
    let mut out = Vec::new();
    let mut room = bufsize.min(BLOCKS[0]);
    let mut blocks = 0;
    let mut pos = 0;
    loop {
        let start = out.len();
        out.resize(start + room, 0);
        let (in0, out0) = (z.total_in(), z.total_out());
        let r = inflate_once(&mut z, &data[pos..], &mut out[start..], 4);
        pos += (z.total_in() - in0) as usize;
        let made = (z.total_out() - out0) as usize;
        out.truncate(start + made);
        room -= made;
        match r {
            Inflated::Code(1) => return Ok(Value::bytes(out)),
            Inflated::Code(0) | Inflated::Code(Z_BUF_ERROR) if room == 0 => {
                room = block(blocks);
                blocks += 1;
            }
            Inflated::Code(0) | Inflated::Code(Z_BUF_ERROR) => {
                return Err(zlib_error(
                    vm,
                    Z_BUF_ERROR,
                    None,
                    "while decompressing data",
                ))
            }
            failed => return Err(inflate_failed(vm, failed)),
        }
    }
}

/// `compressobj(level, method, wbits, memLevel, strategy, zdict)`: a handle.
fn compressobj(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("compressobj", 6, 6)?;
    let level = int_arg(args, 0)?;
    let method = int_arg(args, 1)?;
    let wbits = int_arg(args, 2)?;
    let mem_level = int_arg(args, 3)?;
    let strategy = int_arg(args, 4)?;
    let zdict = opt_data_arg(args, 5)?;
    let invalid = || value_error("Invalid initialization option");
    if !(-1..=9).contains(&level) || method != 8 || !(1..=9).contains(&mem_level) {
        return Err(invalid());
    }
    if !(0..=4).contains(&strategy) {
        return Err(invalid());
    }
    let (wrap, bits) = deflate_wbits(wbits).ok_or_else(invalid)?;
    if mem_level != 8 {
        return Err(not_implemented(
            "zlib.compressobj: memLevel other than 8 is not supported by aio",
        ));
    }
    if strategy != 0 {
        return Err(not_implemented(
            "zlib.compressobj: strategies other than Z_DEFAULT_STRATEGY are not supported by aio",
        ));
    }
    let mut z = new_compress(level, wrap, bits);
    let mut log = Log::new();
    if let Some(d) = zdict {
        if wrap == Wrap::Gzip || z.set_dictionary(&d).is_err() {
            return Err(value_error("Invalid dictionary"));
        }
        log.push(Call::Dict(d));
    }
    let h = vm.zlib.handle();
    vm.zlib.deflaters.insert(
        h,
        Deflater {
            z,
            level,
            wbits,
            log,
            ended: false,
        },
    );
    Ok(Value::Int(h))
}

/// The compression stream whose handle is argument 0 (ValueError once released).
fn deflater<'a>(zlib: &'a mut ZlibState, args: &Args) -> PyResult<&'a mut Deflater> {
    let h = int_arg(args, 0)?;
    zlib.deflaters
        .get_mut(&h)
        .ok_or_else(|| value_error("the compression object was released"))
}

/// `c_compress(handle, data)`
fn c_compress(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("c_compress", 2, 2)?;
    let d = deflater(&mut vm.zlib, args)?;
    let data = data_arg(args, 1)?;
    if d.ended {
        return Err(zlib_error(
            vm,
            Z_STREAM_ERROR,
            None,
            "while compressing data",
        ));
    }
    match deflate_all(&mut d.z, &mut d.log, &data, 0) {
        Ok((out, _)) => Ok(Value::bytes(out)),
        Err(()) => Err(zlib_error(
            vm,
            Z_STREAM_ERROR,
            None,
            "while compressing data",
        )),
    }
}

/// `c_flush(handle, mode)`
fn c_flush(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("c_flush", 2, 2)?;
    let d = deflater(&mut vm.zlib, args)?;
    let mode = int_arg(args, 1)?;
    if mode == 0 {
        return Ok(Value::bytes(Vec::new()));
    }
    if mode == 5 && !d.ended {
        return Err(not_implemented(
            "zlib: Compress.flush(Z_BLOCK) is not supported by aio",
        ));
    }
    if d.ended || !(1..=4).contains(&mode) {
        return Err(zlib_error(vm, Z_STREAM_ERROR, None, "while flushing"));
    }
    match deflate_all(&mut d.z, &mut d.log, &[], mode as u8) {
        Ok((out, status)) => {
            if mode == 4 && status == Status::StreamEnd {
                d.ended = true;
            }
            Ok(Value::bytes(out))
        }
        Err(()) => Err(zlib_error(vm, Z_STREAM_ERROR, None, "while flushing")),
    }
}

/// `c_copy(handle)`: a new handle in the same state, by replaying the calls.
fn c_copy(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("c_copy", 1, 1)?;
    let d = deflater(&mut vm.zlib, args)?;
    if d.ended {
        return Err(value_error("Inconsistent stream state"));
    }
    let Some(calls) = &d.log.calls else {
        return Err(not_implemented(
            "zlib: Compress.copy() after more than 64 MiB of input is not supported by aio",
        ));
    };
    let Some((wrap, bits)) = deflate_wbits(d.wbits) else {
        return Err(value_error("Inconsistent stream state"));
    };
    let mut z = new_compress(d.level, wrap, bits);
    let mut scratch = Vec::new();
    for call in calls {
        match call {
            Call::Dict(dict) => {
                let _ = z.set_dictionary(dict);
            }
            Call::Data {
                input,
                out_len,
                flush,
            } => {
                scratch.resize(*out_len, 0);
                let _ = z.compress(input, &mut scratch, flush_compress(*flush));
            }
        }
    }
    let copy = Deflater {
        z,
        level: d.level,
        wbits: d.wbits,
        log: d.log.clone(),
        ended: false,
    };
    let h = vm.zlib.handle();
    vm.zlib.deflaters.insert(h, copy);
    Ok(Value::Int(h))
}

/// `decompressobj(wbits, zdict)`: a handle.
fn decompressobj(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("decompressobj", 2, 2)?;
    let wbits = int_arg(args, 0)?;
    let zdict = opt_data_arg(args, 1)?;
    let Some((wrap, window)) = inflate_wbits(wbits)? else {
        return Err(value_error("Invalid initialization option"));
    };
    let mut log = Log::new();
    let z = if wrap == Wrap::Auto {
        None
    } else {
        let mut z = new_decompress(wrap, window);
        if wrap == Wrap::Raw {
            if let Some(d) = &zdict {
                // CPython sets a raw stream's dictionary at once.
                if z.set_dictionary(d).is_err() {
                    return Err(zlib_error(vm, Z_DATA_ERROR, None, "while setting zdict"));
                }
                log.push(Call::Dict(d.clone()));
            }
        }
        Some(z)
    };
    let h = vm.zlib.handle();
    vm.zlib.inflaters.insert(
        h,
        Inflater {
            z,
            wrap,
            window,
            zdict,
            pending: Vec::new(),
            eof: false,
            ended: false,
            unused_data: Vec::new(),
            unconsumed_tail: Vec::new(),
            log,
        },
    );
    Ok(Value::Int(h))
}

/// The attributes a Decompress object shows after a call.
fn state_of(d: &Inflater, out: Vec<u8>) -> Value {
    Value::tuple(vec![
        Value::bytes(out),
        Value::bytes(d.unused_data.clone()),
        Value::bytes(d.unconsumed_tail.clone()),
        Value::Bool(d.eof),
    ])
}

/// Runs inflate over `input` as Decompress.decompress (mode Z_SYNC_FLUSH, `max_length`
/// bytes at most when positive) or Decompress.flush (Z_FINISH, first block `first`) do,
/// then saves the unconsumed input. Returns the output and the last code.
fn inflate_run(
    d: &mut Inflater,
    input: &[u8],
    mode: u8,
    max_length: usize,
    first: usize,
) -> (Vec<u8>, Inflated) {
    let mut out = Vec::new();
    let mut pos = 0;
    let mut last = Inflated::Code(0);
    if let Some(z) = d.z.as_mut() {
        let mut blocks = 0;
        let mut room = 0usize;
        loop {
            if room == 0 {
                room = if first > 0 && blocks == 0 {
                    first
                } else {
                    block(blocks)
                };
                blocks += 1;
                if max_length > 0 {
                    room = room.min(max_length - out.len());
                    if room == 0 {
                        break;
                    }
                }
            }
            let start = out.len();
            out.resize(start + room, 0);
            let (in0, out0) = (z.total_in(), z.total_out());
            last = inflate_once(z, &input[pos..], &mut out[start..], mode);
            let used = (z.total_in() - in0) as usize;
            let made = (z.total_out() - out0) as usize;
            d.log.push(Call::Data {
                input: input[pos..pos + used].to_vec(),
                out_len: room,
                flush: mode,
            });
            pos += used;
            out.truncate(start + made);
            room -= made;
            match last {
                Inflated::Code(Z_NEED_DICT) => match &d.zdict {
                    Some(dict) => {
                        if z.set_dictionary(dict).is_err() {
                            last = Inflated::Code(-100);
                            break;
                        }
                        d.log.push(Call::Dict(dict.clone()));
                    }
                    None => break,
                },
                Inflated::Code(0) | Inflated::Code(Z_BUF_ERROR) if room == 0 => {}
                _ => break,
            }
        }
    }
    if matches!(last, Inflated::Code(1)) {
        d.eof = true;
        d.unused_data.extend_from_slice(&input[pos..]);
        pos = input.len();
    }
    d.unconsumed_tail = input[pos..].to_vec();
    (out, last)
}

/// Feeds an auto-detecting stream's first bytes; returns the input to inflate now.
fn detect(d: &mut Inflater, data: Vec<u8>) -> Option<Vec<u8>> {
    if d.z.is_some() {
        return Some(data);
    }
    d.pending.extend_from_slice(&data);
    if d.pending.len() < 2 {
        return None;
    }
    let wrap = if d.pending[..2] == [0x1f, 0x8b] {
        Wrap::Gzip
    } else {
        Wrap::Zlib
    };
    d.z = Some(new_decompress(wrap, d.window));
    Some(std::mem::take(&mut d.pending))
}

/// The decompression stream whose handle is argument 0 (ValueError once released).
fn inflater<'a>(zlib: &'a mut ZlibState, args: &Args) -> PyResult<&'a mut Inflater> {
    let h = int_arg(args, 0)?;
    zlib.inflaters
        .get_mut(&h)
        .ok_or_else(|| value_error("the decompression object was released"))
}

/// `d_decompress(handle, data, max_length)`: (output, unused_data, unconsumed_tail, eof).
fn d_decompress(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("d_decompress", 3, 3)?;
    let d = inflater(&mut vm.zlib, args)?;
    let data = data_arg(args, 1)?;
    let max_length = int_arg(args, 2)?.max(0) as usize;
    if d.ended {
        return Err(zlib_error(
            vm,
            Z_STREAM_ERROR,
            None,
            "while decompressing data",
        ));
    }
    if d.eof {
        // zlib answers Z_STREAM_END at once: everything goes to unused_data.
        d.unused_data.extend_from_slice(&data);
        d.unconsumed_tail.clear();
        return Ok(state_of(d, Vec::new()));
    }
    let Some(input) = detect(d, data) else {
        return Ok(state_of(d, Vec::new()));
    };
    let (out, last) = inflate_run(d, &input, 2, max_length, 0);
    let state = state_of(d, out);
    match last {
        Inflated::Code(0 | 1 | Z_BUF_ERROR) => Ok(state),
        Inflated::Code(-100) => Err(zlib_error(vm, Z_DATA_ERROR, None, "while setting zdict")),
        failed => Err(inflate_failed(vm, failed)),
    }
}

/// `d_flush(handle, length)`: as d_decompress, over the unconsumed tail with Z_FINISH.
fn d_flush(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("d_flush", 2, 2)?;
    let d = inflater(&mut vm.zlib, args)?;
    // Only the first output block's size: capped, as the output is the same either way.
    let length = int_arg(args, 1)?.clamp(1, BLOCKS[0] as i64) as usize;
    if d.ended {
        return Ok(state_of(d, Vec::new()));
    }
    let tail = std::mem::take(&mut d.unconsumed_tail);
    let Some(input) = detect(d, tail) else {
        return Ok(state_of(d, Vec::new()));
    };
    let (out, last) = inflate_run(d, &input, 4, 0, length);
    if matches!(last, Inflated::Code(-100)) {
        return Err(zlib_error(vm, Z_DATA_ERROR, None, "while setting zdict"));
    }
    if d.eof {
        d.ended = true;
    }
    Ok(state_of(d, out))
}

/// `d_copy(handle)`: a new handle in the same state, by replaying the calls.
fn d_copy(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("d_copy", 1, 1)?;
    let d = inflater(&mut vm.zlib, args)?;
    if d.ended {
        return Err(value_error("Inconsistent stream state"));
    }
    let Some(calls) = &d.log.calls else {
        return Err(not_implemented(
            "zlib: Decompress.copy() after more than 64 MiB of input is not supported by aio",
        ));
    };
    let z = match &d.z {
        None => None,
        Some(_) => {
            // Auto-detection has decided: the first call's first bytes say how.
            let first: Vec<u8> = calls
                .iter()
                .filter_map(|c| match c {
                    Call::Data { input, .. } => Some(input.as_slice()),
                    Call::Dict(_) => None,
                })
                .flatten()
                .take(2)
                .copied()
                .collect();
            let wrap = match d.wrap {
                Wrap::Auto if first == [0x1f, 0x8b] => Wrap::Gzip,
                Wrap::Auto => Wrap::Zlib,
                w => w,
            };
            let mut z = new_decompress(wrap, d.window);
            let mut scratch = Vec::new();
            for call in calls {
                match call {
                    Call::Dict(dict) => {
                        let _ = z.set_dictionary(dict);
                    }
                    Call::Data {
                        input,
                        out_len,
                        flush,
                    } => {
                        scratch.resize(*out_len, 0);
                        let _ = z.decompress(input, &mut scratch, flush_decompress(*flush));
                    }
                }
            }
            Some(z)
        }
    };
    let copy = Inflater {
        z,
        wrap: d.wrap,
        window: d.window,
        zdict: d.zdict.clone(),
        pending: d.pending.clone(),
        eof: d.eof,
        ended: false,
        unused_data: d.unused_data.clone(),
        unconsumed_tail: d.unconsumed_tail.clone(),
        log: d.log.clone(),
    };
    let h = vm.zlib.handle();
    vm.zlib.inflaters.insert(h, copy);
    Ok(Value::Int(h))
}

/// `free(handle)`: a Compress or Decompress object died.
fn free(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("free", 1, 1)?;
    let h = int_arg(args, 0)?;
    vm.zlib.deflaters.remove(&h);
    vm.zlib.inflaters.remove(&h);
    Ok(Value::None)
}

/// `crc32(data, value)`
fn crc32(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("crc32", 2, 2)?;
    let data = data_arg(args, 0)?;
    let start = int_arg(args, 1)? as u32;
    let mut h = crc32fast::Hasher::new_with_initial(start);
    h.update(&data);
    Ok(Value::Int(h.finalize() as i64))
}

/// `adler32(data, value)`
fn adler32(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("adler32", 2, 2)?;
    let data = data_arg(args, 0)?;
    let start = int_arg(args, 1)? as u32;
    Ok(Value::Int(adler32_update(start, &data) as i64))
}

fn adler32_update(start: u32, data: &[u8]) -> u32 {
    // zlib's adler32() step for step (its short paths reduce differently when `start`
    // holds sums above the modulus).
    const MOD: u64 = 65521;
    let (mut a, mut b) = ((start & 0xffff) as u64, (start >> 16) as u64);
    if data.len() == 1 {
        a += data[0] as u64;
        if a >= MOD {
            a -= MOD;
        }
        b += a;
        if b >= MOD {
            b -= MOD;
        }
    } else if data.len() < 16 {
        for &byte in data {
            a += byte as u64;
            b += a;
        }
        if a >= MOD {
            a -= MOD;
        }
        b %= MOD;
    } else {
        for chunk in data.chunks(5552) {
            for &byte in chunk {
                a += byte as u64;
                b += a;
            }
            a %= MOD;
            b %= MOD;
        }
    }
    ((b << 16) | a) as u32
}

/// `version()`: the zlib version libz-sys builds against (see build.rs).
fn version(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("version", 0, 0)?;
    Ok(Value::str(env!("AIO_ZLIB_VERSION")))
}

/// `_register_error(cls)`: `zlib.error`.
fn register_error(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("_register_error", 1, 1)?;
    if let Value::Obj(o) = &args.pos[0] {
        vm.zlib.error = Some(o.clone());
    }
    Ok(Value::None)
}

pub fn register(vm: &mut Vm) {
    let funcs: &[(&'static str, NativeFn)] = &[
        ("compress", compress),
        ("decompress", decompress),
        ("compressobj", compressobj),
        ("c_compress", c_compress),
        ("c_flush", c_flush),
        ("c_copy", c_copy),
        ("decompressobj", decompressobj),
        ("d_decompress", d_decompress),
        ("d_flush", d_flush),
        ("d_copy", d_copy),
        ("free", free),
        ("crc32", crc32),
        ("adler32", adler32),
        ("version", version),
        ("_register_error", register_error),
    ];
    super::sys::new_module(vm, "_zlib", funcs);
}

#[cfg(test)]
mod tests {
    use super::adler32_update;

    #[test]
    fn adler32_matches_zlib() {
        assert_eq!(adler32_update(1, b"abc"), 0x024d0127);
        assert_eq!(adler32_update(1, &[0xff; 100_000]), 0x149a_302c);
    }
}
