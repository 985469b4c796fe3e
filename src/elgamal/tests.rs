//! Ciphertexts, decryption and the chunk encoding (crate-internal).

#![allow(non_snake_case)]

use super::*;
use crate::encoding::Reader;
use crate::error::{DecodeFailure, Object};
use crate::transcript::new_transcript;
use crate::vault::VaultKeypair;
use alloc::vec;
use dlog::OpCounts;
use rand_chacha::ChaCha20Rng;
use rand_core::{Rng, SeedableRng};

fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

fn vaults(params: &Params, v: usize, seed: u64) -> Vec<VaultKeypair> {
    let mut rng = rng(seed);
    (0..v).map(|_| VaultKeypair::generate(params, &mut rng)).collect()
}

fn keys(vaults: &[VaultKeypair]) -> Vec<RistrettoElement> {
    vaults.iter().map(|kp| kp.public().Y).collect()
}

fn prover_rng(payload: &[u8], seed: u64) -> ProverRng {
    let t = new_transcript(labels::PROTOCOL_SEALED);
    t.prover_rng().witness_bytes(payload).finalize(&mut rng(seed))
}

fn seal(
    params: &Params,
    payload: &[u8],
    recipients: &[VaultKeypair],
    seed: u64,
) -> (ChunkedCiphertext, Blindings) {
    let chunks = ChunkValues::from_payload(payload).unwrap_or_else(|_| unreachable!());
    ChunkedCiphertext::encrypt_with_rng(
        params,
        &chunks,
        &keys(recipients),
        &mut prover_rng(payload, seed),
    )
    .unwrap_or_else(|_| unreachable!())
}

/// Every payload length 1..=128, with 1..=8 recipients; every recipient
/// decrypts.
#[test]
fn round_trip_every_length_and_recipient_count() {
    let params = Params::shared();
    let all = vaults(params, MAX_RECIPIENTS, 1);
    let mut payload_rng = rng(2);
    for len in 1..=chunks::MAX_PAYLOAD_LEN {
        let v = 1 + len % MAX_RECIPIENTS;
        let mut payload = vec![0u8; len];
        payload_rng.fill_bytes(&mut payload);
        let (ct, _) = seal(params, &payload, &all[..v], len as u64);
        assert_eq!(ct.chunk_count(), len.div_ceil(2));
        assert_eq!(ct.recipient_count(), v);
        for (j, vault) in all[..v].iter().enumerate() {
            let opened = ct.decrypt(params, j, vault.secret().x(), len);
            assert_eq!(opened.map(|p| p.to_vec()), Ok(payload.clone()), "L={len} j={j}");
        }
    }
}

/// Chunk values 0 and 2¹⁶ − 1 (all-zero and all-0xff payloads).
#[test]
fn extreme_chunk_values() {
    let params = Params::shared();
    let vault = vaults(params, 1, 3);
    for payload in [[0u8; 32], [0xff; 32]] {
        let (ct, _) = seal(params, &payload, &vault, 4);
        let chunks = ct.decrypt_chunks(params, 0, vault[0].secret().x());
        let expected = if payload[0] == 0 { 0 } else { u16::MAX };
        assert_eq!(chunks.map(|c| c.as_slice().to_vec()), Ok(vec![expected; 16]));
        let opened = ct.decrypt(params, 0, vault[0].secret().x(), 32);
        assert_eq!(opened.map(|p| p.to_vec()), Ok(payload.to_vec()));
    }
}

/// The ciphertext satisfies C_i = m_i·G + r_i·H and D_ij = r_i·Y_j.
#[test]
fn ciphertext_relations() {
    let params = Params::shared();
    let recipients = vaults(params, 3, 5);
    let payload = b"relations!";
    let (ct, r) = seal(params, payload, &recipients, 6);
    let m = ChunkValues::from_payload(payload).unwrap_or_else(|_| unreachable!()).scalars();
    for (i, C) in ct.commitments().iter().enumerate() {
        assert_eq!(C.point, m[i] * params.G + r.as_slice()[i] * params.H);
        assert_eq!(C.compressed, C.point.compress());
    }
    for (j, vault) in recipients.iter().enumerate() {
        let D_j = ct.handles(j).unwrap_or_else(|| unreachable!());
        for (i, D) in D_j.iter().enumerate() {
            assert_eq!(D.point, r.as_slice()[i] * vault.public().Y.point);
            // x_j·D_ij = r_i·H.
            assert_eq!(vault.secret().x() * D.point, r.as_slice()[i] * params.H);
        }
    }
    assert!(ct.handles(3).is_none());
    assert_eq!(ct.all_handles().len(), 3 * ct.chunk_count());
}

/// The same transcript, payload and RNG seed draw the same blindings;
/// another seed draws others.
#[test]
fn blindings_come_from_the_prover_rng() {
    let params = Params::shared();
    let vault = vaults(params, 1, 7);
    let (a, _) = seal(params, b"abc", &vault, 8);
    let (b, _) = seal(params, b"abc", &vault, 8);
    let (c, _) = seal(params, b"abc", &vault, 9);
    assert_eq!(a, b);
    assert_ne!(a, c);
    // Caller-supplied blindings give the same ciphertext.
    let mut prng = prover_rng(b"abc", 8);
    let r = Blindings::from_scalars(Zeroizing::new(vec![prng.scalar(), prng.scalar()]));
    let chunks = ChunkValues::from_payload(b"abc").unwrap_or_else(|_| unreachable!());
    let d = ChunkedCiphertext::encrypt(params, &chunks, &r, &keys(&vault));
    assert_eq!(d, Ok(a));
}

/// The padding byte of an odd-length payload is ignored: a sealer that
/// sets it still gets the right L bytes, and decryption does not fail.
#[test]
fn odd_length_padding_byte_is_ignored() {
    let params = Params::shared();
    let vault = vaults(params, 2, 10);
    let payload = [0x10u8, 0x32, 0x54];
    for pad in [0x01u8, 0x80, 0xff] {
        let chunks = ChunkValues::from_values(vec![0x3210, u16::from_le_bytes([0x54, pad])]);
        let r = Blindings::draw(2, &mut prover_rng(&payload, u64::from(pad)));
        let ct = ChunkedCiphertext::encrypt(params, &chunks, &r, &keys(&vault))
            .unwrap_or_else(|_| unreachable!());
        for (j, kp) in vault.iter().enumerate() {
            let opened = ct.decrypt(params, j, kp.secret().x(), 3);
            assert_eq!(opened.map(|p| p.to_vec()), Ok(payload.to_vec()));
        }
    }
}

#[test]
fn wrong_key_or_index_fails_with_decryption_error() {
    let params = Params::shared();
    let recipients = vaults(params, 2, 11);
    let outsider = vaults(params, 1, 12);
    let (ct, _) = seal(params, &[0x42; 32], &recipients, 13);
    let x0 = recipients[0].secret().x();
    assert_eq!(ct.decrypt(params, 0, outsider[0].secret().x(), 32), Err(Error::Decryption));
    // Recipient 0's key on recipient 1's handles.
    assert_eq!(ct.decrypt(params, 1, x0, 32), Err(Error::Decryption));
    // No such recipient; a length that does not match k.
    assert_eq!(ct.decrypt(params, 2, x0, 32), Err(Error::Decryption));
    assert_eq!(ct.decrypt(params, 0, x0, 34), Err(Error::Decryption));
    assert_eq!(ct.decrypt(params, 0, x0, 0), Err(Error::Decryption));
    assert!(ct.decrypt(params, 0, x0, 31).is_ok());
    // The slice API refuses handle lists that do not match the commitments.
    let (C_vec, D_all) = (ct.commitments(), ct.all_handles());
    assert_eq!(decrypt_chunks(params, C_vec, &D_all[..15], x0), Err(Error::Decryption));
    assert_eq!(decrypt_chunks(params, C_vec, D_all, x0), Err(Error::Decryption));
    assert_eq!(decrypt_chunks(params, &[], &[], x0), Err(Error::Decryption));
    let opened = decrypt_payload(params, C_vec, &D_all[..16], x0, 32);
    assert_eq!(opened.map(|p| p.to_vec()), Ok(vec![0x42; 32]));
}

/// Decryption does the same work whatever the plaintext, and whether it
/// succeeds or not: every table entry is read and compared with every
/// chunk, and every chunk is confirmed.
#[test]
fn decryption_work_is_independent_of_the_plaintext() {
    let params = Params::shared();
    let vault = vaults(params, 1, 14);
    let x = vault[0].secret().x();
    let mut random = [0u8; 32];
    rng(15).fill_bytes(&mut random);
    let mut plaintexts = vec![[0u8; 32], [0xff; 32], random];
    let mut one = [0u8; 32];
    one[0] = 1;
    plaintexts.push(one);
    let expected = OpCounts {
        handle_muls: 16,
        encodings: 16,
        table_entries: 1 << 16,
        compare_and_selects: 16 << 16,
        confirmations: 16,
    };
    for (n, payload) in plaintexts.iter().enumerate() {
        let (ct, _) = seal(params, payload, &vault, 16 + n as u64);
        let mut ops = OpCounts::default();
        let opened =
            decrypt_chunks_ct(params, &ct.C_vec, ct.handles(0).unwrap_or_default(), x, &mut ops)
                .and_then(dlog::declassify);
        assert!(opened.is_ok());
        assert_eq!(ops, expected, "plaintext #{n}");
        // The wrong key: the same work, then a failure.
        let mut ops = OpCounts::default();
        let wrong = Scalar::from(3u8) * x;
        assert_eq!(
            decrypt_chunks_ct(
                params,
                &ct.C_vec,
                ct.handles(0).unwrap_or_default(),
                &wrong,
                &mut ops
            )
            .and_then(dlog::declassify),
            Err(Error::Decryption)
        );
        assert_eq!(ops, expected, "plaintext #{n}, wrong key");
    }
}

/// (C + C′, D + D′) decrypts to m + m′ while the sum stays below 2¹⁶,
/// and fails (never panics) once a chunk overflows.
#[test]
fn homomorphism() {
    let params = Params::shared();
    let vault = vaults(params, 2, 20);
    let add = |a: &ChunkedCiphertext, b: &ChunkedCiphertext| {
        let sum = |p: &RistrettoElement, q: &RistrettoElement| {
            RistrettoElement::from_point(p.point + q.point)
        };
        let C_vec = a.C_vec.iter().zip(&b.C_vec).map(|(p, q)| sum(p, q));
        let D_vec = a.D_vec.iter().zip(&b.D_vec).map(|(p, q)| sum(p, q));
        ChunkedCiphertext::from_parts(C_vec.collect(), D_vec.collect())
            .unwrap_or_else(|_| unreachable!())
    };
    let m1 = [0x34u8, 0x12, 0xff, 0x7f, 0x00];
    let m2 = [0x01u8, 0x01, 0x00, 0x80, 0x09];
    let (c1, _) = seal(params, &m1, &vault, 21);
    let (c2, _) = seal(params, &m2, &vault, 22);
    let sum = add(&c1, &c2);
    for (j, kp) in vault.iter().enumerate() {
        let chunks = sum.decrypt_chunks(params, j, kp.secret().x());
        assert_eq!(chunks.map(|c| c.as_slice().to_vec()), Ok(vec![0x1335, 0xffff, 0x0009]));
    }
    // 0xffff + 1 is out of range.
    let (c3, _) = seal(params, &[0x00, 0x00, 0x01, 0x00, 0x00], &vault, 23);
    assert_eq!(
        add(&sum, &c3).decrypt_chunks(params, 0, vault[0].secret().x()),
        Err(Error::Decryption)
    );
}

#[test]
fn encryption_input_errors() {
    let params = Params::shared();
    let all = vaults(params, MAX_RECIPIENTS + 1, 24);
    let chunks = ChunkValues::from_payload(b"xy").unwrap_or_else(|_| unreachable!());
    let r = Blindings::draw(1, &mut prover_rng(b"xy", 25));
    let count = Err(Error::input(InvalidInput::RecipientCount));
    assert_eq!(ChunkedCiphertext::encrypt(params, &chunks, &r, &[]), count);
    assert_eq!(ChunkedCiphertext::encrypt(params, &chunks, &r, &keys(&all)), count);
    let r2 = Blindings::draw(2, &mut prover_rng(b"xy", 25));
    assert_eq!(
        ChunkedCiphertext::encrypt(params, &chunks, &r2, &keys(&all[..1])),
        Err(Error::input(InvalidInput::PayloadLength))
    );
    assert_eq!(
        ChunkedCiphertext::from_parts(vec![], vec![]),
        Err(Error::input(InvalidInput::PayloadLength))
    );
}

#[test]
fn encoding_round_trips_and_rejects_identity() {
    let params = Params::shared();
    let recipients = vaults(params, 2, 26);
    let (ct, _) = seal(params, b"hello", &recipients, 27);
    let mut bytes = Vec::new();
    ct.write(&mut bytes);
    assert_eq!(bytes.len(), 32 * 3 * (1 + 2));
    let mut r = Reader::new(&bytes, Object::SealedSecret);
    assert_eq!(ChunkedCiphertext::read(&mut r, 3, 2).as_ref(), Ok(&ct));
    assert_eq!(r.finish(), Ok(()));
    let err = |why| Err(Error::decode(Object::SealedSecret, why));
    // Too short for the counts; counts out of range.
    let mut r = Reader::new(&bytes[..bytes.len() - 1], Object::SealedSecret);
    assert_eq!(ChunkedCiphertext::read(&mut r, 3, 2), err(DecodeFailure::Length));
    for (k, v) in [(0, 2), (65, 2), (3, 0), (3, 9)] {
        let mut r = Reader::new(&bytes, Object::SealedSecret);
        assert_eq!(ChunkedCiphertext::read(&mut r, k, v), err(DecodeFailure::Limit));
    }
    // An identity commitment or handle is refused.
    for at in [0, 32 * 3, 32 * 8] {
        let mut tampered = bytes.clone();
        tampered[at..at + 32].fill(0);
        let mut r = Reader::new(&tampered, Object::SealedSecret);
        assert_eq!(ChunkedCiphertext::read(&mut r, 3, 2), err(DecodeFailure::Identity));
    }
    // The transcript absorbs every element: changing one handle changes
    // the challenge.
    let challenge = |ct: &ChunkedCiphertext| {
        let mut t = new_transcript(labels::PROTOCOL_SEALED);
        ct.append_to(&mut t);
        t.challenge_scalar(b"test")
    };
    let mut swapped = ct.clone();
    swapped.D_vec.swap(0, 3);
    assert_ne!(challenge(&ct), challenge(&swapped));
}

#[test]
fn debug_is_redacted() {
    let r = Blindings::from_scalars(Zeroizing::new(vec![Scalar::ONE]));
    assert_eq!(alloc::format!("{r:?}"), "Blindings(k=1, <redacted>)");
}
