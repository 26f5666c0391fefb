//! `_hashlib`: the message digests of stdlib/hashlib.aio (MD5, SHA-1 and the SHA-2 family,
//! from the RustCrypto crates). A hash in progress lives here, by handle; the aio `HASH`
//! object holds the handle and frees it when it dies.

use crate::obj::function::{Args, NativeFn};
use crate::obj::methods::bytes::bytes_data;
use crate::vm::errors::{type_error, value_error, PyResult};
use crate::vm::value::Value;
use crate::vm::Vm;
use sha2::Digest;
use std::collections::HashMap;

#[derive(Clone)]
enum Hasher {
    Md5(md5::Md5),
    Sha1(sha1::Sha1),
    Sha224(sha2::Sha224),
    Sha256(sha2::Sha256),
    Sha384(sha2::Sha384),
    Sha512(sha2::Sha512),
}

/// Runs `$body` with `$h` bound to the concrete hasher.
macro_rules! each {
    ($self:expr, $h:ident => $body:expr) => {
        match $self {
            Hasher::Md5($h) => $body,
            Hasher::Sha1($h) => $body,
            Hasher::Sha224($h) => $body,
            Hasher::Sha256($h) => $body,
            Hasher::Sha384($h) => $body,
            Hasher::Sha512($h) => $body,
        }
    };
}

impl Hasher {
    fn new(name: &str) -> Option<Hasher> {
        Some(match name {
            "md5" => Hasher::Md5(md5::Md5::new()),
            "sha1" => Hasher::Sha1(sha1::Sha1::new()),
            "sha224" => Hasher::Sha224(sha2::Sha224::new()),
            "sha256" => Hasher::Sha256(sha2::Sha256::new()),
            "sha384" => Hasher::Sha384(sha2::Sha384::new()),
            "sha512" => Hasher::Sha512(sha2::Sha512::new()),
            _ => return None,
        })
    }

    fn update(&mut self, data: &[u8]) {
        each!(self, h => h.update(data))
    }

    fn digest(&self) -> Vec<u8> {
        each!(self.clone(), h => h.finalize().to_vec())
    }
}

/// The hashes in progress, by handle.
#[derive(Default)]
pub struct Hashes {
    live: HashMap<i64, Hasher>,
    next: i64,
}

impl Hashes {
    fn adopt(&mut self, h: Hasher) -> i64 {
        self.next += 1;
        self.live.insert(self.next, h);
        self.next
    }
}

fn handle(args: &Args) -> PyResult<i64> {
    match args.pos.first() {
        Some(Value::Int(n)) => Ok(*n),
        _ => Err(type_error("a hash handle is required")),
    }
}

fn data_arg(v: &Value) -> PyResult<Vec<u8>> {
    if v.as_str().is_some() {
        return Err(type_error("Strings must be encoded before hashing"));
    }
    bytes_data(v).ok_or_else(|| {
        crate::obj::methods::bytes::buffer_error(v)
            .unwrap_or_else(|| type_error("object supporting the buffer API required"))
    })
}

fn hasher(vm: &mut Vm, h: i64) -> PyResult<&mut Hasher> {
    vm.hashes
        .live
        .get_mut(&h)
        .ok_or_else(|| value_error("the hash object was released"))
}

/// `new(name)`: a handle, or None for a name this module does not know.
fn new(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("new", 1, 1)?;
    let Some(name) = args.pos[0].as_str() else {
        return Err(type_error("name must be a str"));
    };
    Ok(match Hasher::new(name) {
        Some(h) => Value::Int(vm.hashes.adopt(h)),
        None => Value::None,
    })
}

/// `update(handle, data)`
fn update(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("update", 2, 2)?;
    let h = handle(args)?;
    let data = data_arg(&args.pos[1])?;
    hasher(vm, h)?.update(&data);
    Ok(Value::None)
}

/// `digest(handle)`: the digest of what was fed so far (the hash goes on).
fn digest(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("digest", 1, 1)?;
    let h = handle(args)?;
    Ok(Value::bytes(hasher(vm, h)?.digest()))
}

/// `copy(handle)`: a new handle with the same state.
fn copy(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("copy", 1, 1)?;
    let h = handle(args)?;
    let state = hasher(vm, h)?.clone();
    Ok(Value::Int(vm.hashes.adopt(state)))
}

/// `free(handle)`
fn free(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("free", 1, 1)?;
    let h = handle(args)?;
    vm.hashes.live.remove(&h);
    Ok(Value::None)
}

pub fn register(vm: &mut Vm) {
    let funcs: &[(&'static str, NativeFn)] = &[
        ("new", new),
        ("update", update),
        ("digest", digest),
        ("copy", copy),
        ("free", free),
    ];
    super::sys::new_module(vm, "_hashlib", funcs);
}
