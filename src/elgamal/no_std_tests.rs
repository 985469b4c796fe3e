//! Without `std` the table is rebuilt per decryption; check that path once.

use super::*;
use crate::transcript::new_transcript;
use crate::vault::VaultKeypair;
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;

#[test]
fn round_trip_builds_the_table_per_call() {
    let params = Params::new();
    let mut rng = ChaCha20Rng::seed_from_u64(1);
    let vault = VaultKeypair::generate(&params, &mut rng);
    let payload = [0x00u8, 0x01, 0xfe, 0xff, 0x80];
    let chunks = ChunkValues::from_payload(&payload).unwrap_or_else(|_| unreachable!());
    let mut prng = new_transcript(labels::PROTOCOL_SEALED).prover_rng().finalize(&mut rng);
    let (ct, _) =
        ChunkedCiphertext::encrypt_with_rng(&params, &chunks, &[vault.public().Y], &mut prng)
            .unwrap_or_else(|_| unreachable!());
    let opened = ct.decrypt(&params, 0, vault.secret().x(), payload.len());
    assert_eq!(opened.map(|p| p.to_vec()), Ok(payload.to_vec()));
    let wrong = Scalar::from(2u8) * vault.secret().x();
    assert_eq!(ct.decrypt(&params, 0, &wrong, payload.len()), Err(Error::Decryption));
}
