//! `_hashlib`: the message digests of stdlib/hashlib.aio (MD5, SHA-1, the SHA-2 and SHA-3
//! families, SHAKE, BLAKE2 and PBKDF2-HMAC over them, from the RustCrypto crates). A hash in
//! progress lives here, by handle; the aio hash object holds the handle and frees it when
//! it dies.

use crate::obj::function::{Args, NativeFn};
use crate::obj::methods::bytes::bytes_data;
use crate::vm::errors::{memory_error, type_error, value_error, PyResult};
use crate::vm::value::Value;
use crate::vm::Vm;
use blake2::digest::block_buffer::{Lazy, LazyBuffer};
use blake2::digest::core_api::{
    Block, BlockSizeUser, BufferKindUser, UpdateCore, VariableOutputCore,
};
use blake2::digest::typenum::{IsLess, Le, NonZero, U256};
use blake2::digest::Output;
use blake2::{Blake2bVarCore, Blake2sVarCore};
use sha2::Digest;
use sha3::digest::{ExtendableOutput, Update, XofReader};
use std::collections::HashMap;

#[derive(Clone)]
enum Hasher {
    Md5(md5::Md5),
    Sha1(sha1::Sha1),
    Sha224(sha2::Sha224),
    Sha256(sha2::Sha256),
    Sha384(sha2::Sha384),
    Sha512(sha2::Sha512),
    Sha3_224(sha3::Sha3_224),
    Sha3_256(sha3::Sha3_256),
    Sha3_384(sha3::Sha3_384),
    Sha3_512(sha3::Sha3_512),
    Shake128(sha3::Shake128),
    Shake256(sha3::Shake256),
    Blake2b(Blake2<Blake2bVarCore>),
    Blake2s(Blake2<Blake2sVarCore>),
}

/// Runs `$body` with `$h` bound to the concrete hasher, for the fixed-size digests; the
/// other kinds get `$other`.
macro_rules! fixed {
    ($self:expr, $h:ident => $body:expr, $other:pat => $else:expr) => {
        match $self {
            Hasher::Md5($h) => $body,
            Hasher::Sha1($h) => $body,
            Hasher::Sha224($h) => $body,
            Hasher::Sha256($h) => $body,
            Hasher::Sha384($h) => $body,
            Hasher::Sha512($h) => $body,
            Hasher::Sha3_224($h) => $body,
            Hasher::Sha3_256($h) => $body,
            Hasher::Sha3_384($h) => $body,
            Hasher::Sha3_512($h) => $body,
            $other => $else,
        }
    };
}

/// BLAKE2 with its parameters chosen at run time (digest size, key, salt, person), which
/// the crate's ready-made wrappers fix at compile time: its core, fed whole blocks, and
/// the block buffer in front of it. A key is the first block of the message, zero-padded,
/// as the BLAKE2 specification (and the crate's MAC type) does it.
#[derive(Clone)]
struct Blake2<C: BlockSizeUser>
where
    C::BlockSize: IsLess<U256>,
    Le<C::BlockSize, U256>: NonZero,
{
    core: C,
    buffer: LazyBuffer<C::BlockSize>,
    size: usize,
}

impl<C: UpdateCore + VariableOutputCore + BufferKindUser<BufferKind = Lazy> + Clone> Blake2<C>
where
    C::BlockSize: IsLess<U256>,
    Le<C::BlockSize, U256>: NonZero,
{
    fn new(core: C, key: &[u8], size: usize) -> Blake2<C> {
        let buffer = if key.is_empty() {
            LazyBuffer::default()
        } else {
            let mut block = Block::<C>::default();
            block[..key.len()].copy_from_slice(key);
            LazyBuffer::new(&block)
        };
        Blake2 { core, buffer, size }
    }

    fn update(&mut self, data: &[u8]) {
        let Blake2 { core, buffer, .. } = self;
        buffer.digest_blocks(data, |blocks| core.update_blocks(blocks));
    }

    fn digest(&self) -> Vec<u8> {
        let mut core = self.core.clone();
        let mut buffer = self.buffer.clone();
        let mut out = Output::<C>::default();
        core.finalize_variable_core(&mut buffer, &mut out);
        out[..self.size].to_vec()
    }
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
            "sha3_224" => Hasher::Sha3_224(sha3::Sha3_224::new()),
            "sha3_256" => Hasher::Sha3_256(sha3::Sha3_256::new()),
            "sha3_384" => Hasher::Sha3_384(sha3::Sha3_384::new()),
            "sha3_512" => Hasher::Sha3_512(sha3::Sha3_512::new()),
            "shake_128" => Hasher::Shake128(sha3::Shake128::default()),
            "shake_256" => Hasher::Shake256(sha3::Shake256::default()),
            _ => return None,
        })
    }

    /// `blake2b(...)` / `blake2s(...)` with parameters the caller checked against the
    /// sizes `_blake2` states (digest 1..=64 or 32, key up to that, salt and person up to
    /// 16 or 8 bytes).
    fn blake2(wide: bool, size: usize, key: &[u8], salt: &[u8], person: &[u8]) -> Hasher {
        if wide {
            let core = Blake2bVarCore::new_with_params(salt, person, key.len(), size);
            Hasher::Blake2b(Blake2::new(core, key, size))
        } else {
            let core = Blake2sVarCore::new_with_params(salt, person, key.len(), size);
            Hasher::Blake2s(Blake2::new(core, key, size))
        }
    }

    fn update(&mut self, data: &[u8]) {
        fixed!(self, h => Digest::update(h, data), other => match other {
            Hasher::Shake128(h) => Update::update(h, data),
            Hasher::Shake256(h) => Update::update(h, data),
            Hasher::Blake2b(h) => h.update(data),
            Hasher::Blake2s(h) => h.update(data),
            _ => {}
        })
    }

    /// The digest of what was fed so far; `length` bytes of it for SHAKE (MemoryError
    /// when that much cannot be allocated).
    fn digest(&self, length: usize) -> PyResult<Vec<u8>> {
        Ok(
            fixed!(self.clone(), h => h.finalize().to_vec(), other => match other {
                Hasher::Shake128(h) => xof(h.finalize_xof(), length)?,
                Hasher::Shake256(h) => xof(h.finalize_xof(), length)?,
                Hasher::Blake2b(h) => h.digest(),
                Hasher::Blake2s(h) => h.digest(),
                _ => Vec::new(),
            }),
        )
    }

    /// The block size HMAC pads keys to (None for SHAKE, which HMAC does not take).
    fn block_size(&self) -> Option<usize> {
        Some(match self {
            Hasher::Md5(_) | Hasher::Sha1(_) | Hasher::Sha224(_) | Hasher::Sha256(_) => 64,
            Hasher::Sha384(_) | Hasher::Sha512(_) | Hasher::Blake2b(_) => 128,
            Hasher::Blake2s(_) => 64,
            Hasher::Sha3_224(_) => 144,
            Hasher::Sha3_256(_) => 136,
            Hasher::Sha3_384(_) => 104,
            Hasher::Sha3_512(_) => 72,
            Hasher::Shake128(_) | Hasher::Shake256(_) => return None,
        })
    }
}

fn xof(mut reader: impl XofReader, length: usize) -> PyResult<Vec<u8>> {
    let mut out = zeroed(length)?;
    reader.read(&mut out);
    Ok(out)
}

/// `length` zero bytes, or MemoryError when they cannot be allocated.
fn zeroed(length: usize) -> PyResult<Vec<u8>> {
    let mut out = Vec::new();
    out.try_reserve_exact(length).map_err(|_| memory_error())?;
    out.resize(length, 0);
    Ok(out)
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

/// `digest(handle[, length])`: the digest of what was fed so far (the hash goes on);
/// `length` bytes of it for SHAKE (checked by the caller: not negative).
fn digest(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("digest", 1, 2)?;
    let h = handle(args)?;
    let length = match args.pos.len() {
        2 => count_arg(args, 1)?,
        _ => 0,
    };
    Ok(Value::bytes(hasher(vm, h)?.digest(length)?))
}

/// A bytes-like argument of `new_blake2` or `pbkdf2`.
fn bytes_arg(args: &Args, i: usize) -> PyResult<Vec<u8>> {
    match args.pos.get(i) {
        Some(v) => data_arg(v),
        None => Err(type_error("missing argument")),
    }
}

/// A non-negative int argument of `new_blake2` or `pbkdf2`.
fn count_arg(args: &Args, i: usize) -> PyResult<usize> {
    match args.pos.get(i) {
        Some(Value::Int(n)) => usize::try_from(*n).map_err(|_| value_error("negative count")),
        _ => Err(type_error("an int is required")),
    }
}

/// `new_blake2(wide, digest_size, key, salt, person)`: a handle (the sizes are checked by
/// the caller, stdlib/hashlib.aio, with CPython's messages).
fn new_blake2(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("new_blake2", 5, 5)?;
    let wide = matches!(args.pos[0], Value::Bool(true));
    let size = count_arg(args, 1)?;
    let (key, salt, person) = (
        bytes_arg(args, 2)?,
        bytes_arg(args, 3)?,
        bytes_arg(args, 4)?,
    );
    let (max_digest, max_extra) = if wide { (64, 16) } else { (32, 8) };
    if size == 0 || size > max_digest || key.len() > max_digest {
        return Err(value_error("blake2 digest or key size out of range"));
    }
    if salt.len() > max_extra || person.len() > max_extra {
        return Err(value_error("blake2 salt or person too long"));
    }
    let h = Hasher::blake2(wide, size, &key, &salt, &person);
    Ok(Value::Int(vm.hashes.adopt(h)))
}

/// `pbkdf2(name, password, salt, iterations, dklen)`: PBKDF2 (RFC 8018) with HMAC over
/// the named hash; None for a name this module does not know or HMAC does not take.
/// Iterations and length are checked by the caller.
fn pbkdf2(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("pbkdf2", 5, 5)?;
    let Some(name) = args.pos[0].as_str() else {
        return Err(type_error("name must be a str"));
    };
    let (password, salt) = (bytes_arg(args, 1)?, bytes_arg(args, 2)?);
    let (iterations, dklen) = (count_arg(args, 3)?, count_arg(args, 4)?);
    let Some(hmac) = Hmac::new(name, &password) else {
        return Ok(Value::None);
    };
    let mut out = zeroed(dklen)?;
    for (chunk, block) in out.chunks_mut(hmac.size).zip(1u32..) {
        let mut u = hmac.mac(&[&salt[..], &block.to_be_bytes()].concat())?;
        let mut t = u.clone();
        for _ in 1..iterations {
            u = hmac.mac(&u)?;
            t.iter_mut().zip(&u).for_each(|(a, b)| *a ^= b);
        }
        chunk.copy_from_slice(&t[..chunk.len()]);
    }
    Ok(Value::bytes(out))
}

/// HMAC (RFC 2104) keyed once: the inner and outer hashes with their padded keys fed.
struct Hmac {
    inner: Hasher,
    outer: Hasher,
    /// The digest size.
    size: usize,
}

impl Hmac {
    fn new(name: &str, key: &[u8]) -> Option<Hmac> {
        let mut inner = Hasher::new(name)?;
        let block = inner.block_size()?;
        let mut outer = inner.clone();
        let size = inner.digest(0).ok()?.len();
        if size == 0 {
            return None;
        }
        let mut k = if key.len() > block {
            let mut h = inner.clone();
            h.update(key);
            h.digest(0).ok()?
        } else {
            key.to_vec()
        };
        k.resize(block, 0);
        inner.update(&k.iter().map(|b| b ^ 0x36).collect::<Vec<u8>>());
        outer.update(&k.iter().map(|b| b ^ 0x5c).collect::<Vec<u8>>());
        Some(Hmac { inner, outer, size })
    }

    fn mac(&self, msg: &[u8]) -> PyResult<Vec<u8>> {
        let mut inner = self.inner.clone();
        inner.update(msg);
        let mut outer = self.outer.clone();
        outer.update(&inner.digest(0)?);
        outer.digest(0)
    }
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
        ("new_blake2", new_blake2),
        ("pbkdf2", pbkdf2),
    ];
    super::sys::new_module(vm, "_hashlib", funcs);
}
