//! Binding (`docs/PROTOCOL.md` §2.1): a sealed item verified under one context fails
//! under any other — another project, repository, purpose, owner, extra field
//! (absent vs empty vs other) — and with another recipient list (reordered:
//! refused at decode as `Unsorted`; another sorted list: fails to verify).
//! Keys, commitments and handles that are the identity, and deploy keys `A`
//! with a torsion component, the identity or a non-canonical encoding, are
//! refused at decode with typed errors. Purpose and type mismatches give the
//! documented errors.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs, non_snake_case)]

#[path = "common/sealed_fixtures.rs"]
mod sealed_fixtures;
#[path = "common/sealed_layout.rs"]
mod sealed_layout;

use curve25519_dalek::constants::{ED25519_BASEPOINT_POINT, EIGHT_TORSION};
use curve25519_dalek::edwards::CompressedEdwardsY;
use curve25519_dalek::scalar::Scalar;
use sealed_fixtures::*;
use sealed_layout::{Field, Kind, Layout, Parts};
use vaultseal::{
    Context, DecodeFailure, DeployKey, Error, InvalidInput, Object, Purpose, SealedDeployKey,
    SealedSecret, VaultKeypair, seal_deploy_key, seal_secret,
};

/// Every context that differs from `ctx` in exactly one field (the purpose
/// excepted: purpose changes are checked separately, since some are refused
/// before verification).
fn other_contexts(ctx: &Context) -> Vec<(String, Context)> {
    let rebuild = |project: &[u8], repository: &[u8], owner: [u8; 32], extra: Option<&[u8]>| {
        let c = Context::new(project, repository, ctx.purpose(), owner).unwrap();
        match extra {
            Some(e) => c.with_extra(e).unwrap(),
            None => c,
        }
    };
    let (p, r, o, e) = (ctx.project_id(), ctx.repository_id(), *ctx.owner(), ctx.extra());
    let mut last_byte = p.to_vec();
    *last_byte.last_mut().unwrap() ^= 1;
    let mut owner = o;
    owner[31] ^= 0x80;
    let mut out = vec![
        ("project".to_string(), rebuild(b"acme/website2", r, o, e)),
        ("project, last byte".to_string(), rebuild(&last_byte, r, o, e)),
        ("project prefix".to_string(), rebuild(&p[..p.len() - 1], r, o, e)),
        ("repository".to_string(), rebuild(p, b"github:123456780", o, e)),
        ("repository host".to_string(), rebuild(p, b"gitlab:123456789", o, e)),
        ("owner".to_string(), rebuild(p, r, [0x0b; 32], e)),
        ("owner, top bit".to_string(), rebuild(p, r, owner, e)),
        // Field boundaries: the same bytes split differently.
        ("project/repository boundary".to_string(), {
            let mut project = p.to_vec();
            project.push(r[0]);
            rebuild(&project, &r[1..], o, e)
        }),
    ];
    let extras: [Option<&[u8]>; 4] = [None, Some(b""), Some(b"\0"), Some(b"extra")];
    for extra in extras {
        if extra != e {
            out.push((format!("extra {extra:?}"), rebuild(p, r, o, extra)));
        }
    }
    out
}

#[test]
fn deploy_key_is_bound_to_every_context_field() {
    for extra in [None, Some(&b""[..]), Some(&b"extra"[..])] {
        let f = deploy_fixture(2, 1);
        let ctx = match extra {
            Some(e) => f.context.clone().with_extra(e).unwrap(),
            None => f.context.clone(),
        };
        let sealed =
            seal_deploy_key(params(), &publics(&f.vaults), &ctx, &f.key, &mut rng(2)).unwrap();
        assert_eq!(sealed.verify(params(), &ctx, &mut rng(3)), Ok(()));
        for (name, other) in other_contexts(&ctx) {
            assert_ne!(other, ctx);
            assert_eq!(
                sealed.verify(params(), &other, &mut rng(3)),
                Err(Error::Verification),
                "{name}"
            );
            // Opening checks the same binding.
            assert_eq!(
                f.vaults[0].open_deploy_key(params(), &sealed, &other, &mut rng(4)).map(|_| ()),
                Err(Error::Verification),
                "{name}"
            );
        }
    }
}

#[test]
fn secret_is_bound_to_every_context_field() {
    for (len, purpose) in
        [(31, Purpose::Secret), (32, Purpose::WebhookSecret), (128, Purpose::Secret)]
    {
        let f = secret_fixture(len, 2, purpose, 10 + len as u64);
        for extra in [None, Some(&b""[..]), Some(&b"\0"[..])] {
            let ctx = match extra {
                Some(e) => f.context.clone().with_extra(e).unwrap(),
                None => f.context.clone(),
            };
            let sealed =
                seal_secret(params(), &publics(&f.vaults), &ctx, &f.payload, &mut rng(11)).unwrap();
            assert_eq!(sealed.verify(params(), &ctx, &mut rng(12)), Ok(()));
            for (name, other) in other_contexts(&ctx) {
                assert_eq!(
                    sealed.verify(params(), &other, &mut rng(12)),
                    Err(Error::Verification),
                    "L = {len}, {purpose:?}: {name}"
                );
            }
        }
    }
}

/// The purpose is bound: a 32-byte secret sealed as `Secret` fails as a
/// `WebhookSecret` and the other way round (the kind is absorbed), and
/// purposes of the wrong type are refused with `InvalidInput::Purpose`.
#[test]
fn purpose_is_bound_and_type_mismatches_are_refused() {
    let purpose_error = Err(Error::InvalidInput { what: InvalidInput::Purpose });
    for (sealed_as, verified_as) in
        [(Purpose::Secret, Purpose::WebhookSecret), (Purpose::WebhookSecret, Purpose::Secret)]
    {
        let f = secret_fixture(32, 1, sealed_as, 20);
        let other = f.context.with_purpose(verified_as);
        assert_eq!(f.sealed.verify(params(), &f.context, &mut rng(21)), Ok(()));
        assert_eq!(f.sealed.verify(params(), &other, &mut rng(21)), Err(Error::Verification));
        assert_eq!(
            f.vaults[0].open_secret(params(), &f.sealed, &other, &mut rng(22)).map(|_| ()),
            Err(Error::Verification)
        );
        // A sealed secret is never a deploy key.
        let deploy_ctx = f.context.with_purpose(Purpose::DeployKey);
        assert_eq!(f.sealed.verify(params(), &deploy_ctx, &mut rng(23)), purpose_error);
        assert_eq!(
            f.vaults[0].open_secret(params(), &f.sealed, &deploy_ctx, &mut rng(24)).map(|_| ()),
            purpose_error
        );
    }
    // A sealed deploy key under a secret purpose.
    let d = deploy_fixture(1, 25);
    for purpose in [Purpose::Secret, Purpose::WebhookSecret] {
        let ctx = d.context.with_purpose(purpose);
        assert_eq!(d.sealed.verify(params(), &ctx, &mut rng(26)), purpose_error);
        assert_eq!(
            d.vaults[0].open_deploy_key(params(), &d.sealed, &ctx, &mut rng(27)).map(|_| ()),
            purpose_error
        );
    }
    // The same bytes decoded as the other type: refused, never confused.
    assert!(matches!(SealedSecret::from_bytes(&d.bytes), Err(Error::Decode { .. })));
    let s = secret_fixture(32, 1, Purpose::Secret, 28);
    assert!(matches!(SealedDeployKey::from_bytes(&s.bytes), Err(Error::Decode { .. })));
}

/// Sealing refuses a deploy key under a secret purpose, a secret under the
/// deploy-key purpose, a webhook secret of another length than 32, and
/// payload lengths and recipient counts outside the limits.
#[test]
fn sealing_refuses_mismatched_inputs() {
    let vaults = vaults(9, 30);
    let publics = publics(&vaults);
    let key = DeployKey::generate(&mut rng(31));
    let input = |what| Err(Error::InvalidInput { what });
    for purpose in [Purpose::Secret, Purpose::WebhookSecret] {
        assert_eq!(
            seal_deploy_key(params(), &publics[..1], &context(purpose), &key, &mut rng(32))
                .map(|_| ()),
            input(InvalidInput::Purpose)
        );
    }
    assert_eq!(
        seal_secret(params(), &publics[..1], &context(Purpose::DeployKey), &[1; 32], &mut rng(33))
            .map(|_| ()),
        input(InvalidInput::Purpose)
    );
    let webhook = context(Purpose::WebhookSecret);
    for len in [1usize, 16, 31, 33, 64, 128] {
        assert_eq!(
            seal_secret(params(), &publics[..1], &webhook, &vec![7; len], &mut rng(34)).map(|_| ()),
            input(InvalidInput::PayloadLength),
            "webhook secret of {len} bytes"
        );
    }
    let secret = context(Purpose::Secret);
    for len in [0usize, 129, 256] {
        assert_eq!(
            seal_secret(params(), &publics[..1], &secret, &vec![7; len], &mut rng(35)).map(|_| ()),
            input(InvalidInput::PayloadLength)
        );
    }
    let deploy = context(Purpose::DeployKey);
    for recipients in [&publics[..0], &publics[..9]] {
        assert_eq!(
            seal_secret(params(), recipients, &secret, &[1], &mut rng(36)).map(|_| ()),
            input(InvalidInput::RecipientCount)
        );
        assert_eq!(
            seal_deploy_key(params(), recipients, &deploy, &key, &mut rng(37)).map(|_| ()),
            input(InvalidInput::RecipientCount)
        );
    }
    let duplicated = [publics[0], publics[1], publics[0]];
    assert_eq!(
        seal_secret(params(), &duplicated, &secret, &[1], &mut rng(38)).map(|_| ()),
        input(InvalidInput::DuplicateRecipient)
    );
    assert_eq!(
        seal_deploy_key(params(), &duplicated, &deploy, &key, &mut rng(39)).map(|_| ()),
        input(InvalidInput::DuplicateRecipient)
    );
}

/// A `Secret` item whose length is not 32 never verifies as a webhook
/// secret, and does not open as one.
#[test]
fn webhook_context_with_another_length_fails() {
    for len in [16usize, 31, 33] {
        let f = secret_fixture(len, 1, Purpose::Secret, 40 + len as u64);
        let webhook = f.context.with_purpose(Purpose::WebhookSecret);
        assert_eq!(f.sealed.verify(params(), &webhook, &mut rng(41)), Err(Error::Verification));
        assert_eq!(
            f.vaults[0]
                .open_webhook_secret(params(), &f.sealed, &webhook, &mut rng(42))
                .map(|_| ()),
            Err(Error::Verification)
        );
        // Under its own (Secret) context it opens as a secret, not as a
        // webhook secret (the purpose is checked first).
        assert_eq!(
            f.vaults[0]
                .open_secret(params(), &f.sealed, &f.context, &mut rng(43))
                .unwrap()
                .as_bytes(),
            &f.payload[..]
        );
        assert_eq!(
            f.vaults[0]
                .open_webhook_secret(params(), &f.sealed, &f.context, &mut rng(44))
                .map(|_| ()),
            Err(Error::InvalidInput { what: InvalidInput::Purpose })
        );
    }
    // Nor does a 32-byte `Secret`: the purpose is bound, not just the length.
    let f = secret_fixture(32, 1, Purpose::Secret, 80);
    assert!(f.vaults[0].open_secret(params(), &f.sealed, &f.context, &mut rng(81)).is_ok());
    assert_eq!(
        f.vaults[0].open_webhook_secret(params(), &f.sealed, &f.context, &mut rng(82)).map(|_| ()),
        Err(Error::InvalidInput { what: InvalidInput::Purpose })
    );
}

// ----- The recipient list -----

/// The same recipients in another order are refused at decode (`Unsorted`);
/// re-sorting gives back the original, which verifies.
#[test]
fn reordered_recipients_are_refused_at_decode() {
    for (kind, bytes, ctx) in [
        {
            let d = deploy_fixture(3, 50);
            (Kind::DeployKey, d.bytes, d.context)
        },
        {
            let s = secret_fixture(5, 3, Purpose::Secret, 51);
            (Kind::Secret, s.bytes, s.context)
        },
    ] {
        let parts = Parts::parse(kind, &bytes);
        let permutations = [[0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
        for perm in permutations {
            let mut p = parts.clone();
            p.Y = perm.iter().map(|&j| parts.Y[j]).collect();
            p.D = perm.iter().map(|&j| parts.D[j].clone()).collect();
            p.Tj = perm.iter().map(|&j| parts.Tj[j]).collect();
            assert_eq!(
                decode_and_verify(kind, &p.encode(), &ctx),
                Err(Error::Decode { what: kind.object(), why: DecodeFailure::Unsorted }),
                "{kind:?} {perm:?}"
            );
            // Keys reordered, handles and T_j left in place: still unsorted.
            let mut p = parts.clone();
            p.Y = perm.iter().map(|&j| parts.Y[j]).collect();
            assert_eq!(
                decode_and_verify(kind, &p.encode(), &ctx),
                Err(Error::Decode { what: kind.object(), why: DecodeFailure::Unsorted })
            );
        }
        // Re-sorted: the same list, the original item.
        let mut p = parts.clone();
        p.swap_recipients(0, 2);
        let mut order: Vec<usize> = (0..3).collect();
        order.sort_by_key(|&j| p.Y[j]);
        let resorted = Parts {
            Y: order.iter().map(|&j| p.Y[j]).collect(),
            D: order.iter().map(|&j| p.D[j].clone()).collect(),
            Tj: order.iter().map(|&j| p.Tj[j]).collect(),
            ..p
        };
        assert_eq!(resorted, parts);
        assert_eq!(decode_and_verify(kind, &resorted.encode(), &ctx), Ok(()));
    }
}

/// Another sorted recipient list — one vault replaced by another, with its
/// key inserted in sorted position and (for the strongest case) handles
/// consistent for it — decodes but fails verification.
#[test]
fn another_sorted_recipient_list_fails() {
    let f = deploy_fixture(3, 60);
    let parts = Parts::parse(Kind::DeployKey, &f.bytes);
    let strangers: Vec<[u8; 32]> =
        vaults(8, 200).iter().map(|v| v.public().sealing_key_bytes()).collect();
    for (j, stranger) in (0..3).cycle().zip(&strangers) {
        let mut p = parts.clone();
        p.drop_recipient(j);
        let at = p.Y.iter().position(|Y| Y > stranger).unwrap_or(p.Y.len());
        p.insert_recipient(at, *stranger, parts.D[j].clone(), parts.Tj[j]);
        assert_eq!(
            decode_and_verify(Kind::DeployKey, &p.encode(), &f.context),
            Err(Error::Verification)
        );
    }
    // Replace Y_j by a·Y_j with a·D_ij and a·T_j (the handles then carry
    // the right r_i for the new key): still refused.
    let mut replaced = 0;
    for j in 0..3 {
        for a in 2u64..40 {
            let a = Scalar::from(a);
            let Y = encode(&(a * point(&parts.Y[j])));
            let mut p = parts.clone();
            p.drop_recipient(j);
            let at = p.Y.iter().position(|y| *y > Y).unwrap_or(p.Y.len());
            if at != j {
                continue; // keep the position: only the key changes
            }
            let D = parts.D[j].iter().map(|D| encode(&(a * point(D)))).collect();
            p.insert_recipient(at, Y, D, encode(&(a * point(&parts.Tj[j]))));
            assert_eq!(
                decode_and_verify(Kind::DeployKey, &p.encode(), &f.context),
                Err(Error::Verification)
            );
            replaced += 1;
            break;
        }
    }
    assert_eq!(replaced, 3);
}

// ----- Identity and torsion at decode -----

#[test]
fn identity_keys_commitments_and_handles_are_refused() {
    let d = deploy_fixture(2, 70);
    let s = secret_fixture(5, 2, Purpose::Secret, 71);
    for (kind, bytes, ctx) in
        [(Kind::DeployKey, &d.bytes, &d.context), (Kind::Secret, &s.bytes, &s.context)]
    {
        let layout = Layout::of(kind, bytes);
        let mut fields = vec![Field::Y(0), Field::Y(1), Field::C(0), Field::C(layout.k - 1)];
        for j in 0..2 {
            fields.extend([Field::D { i: 0, j }, Field::D { i: layout.k - 1, j }]);
        }
        for field in fields {
            let mut mutated = bytes.clone();
            layout.set(&mut mutated, field, &[0; 32]);
            assert_eq!(
                decode_and_verify(kind, &mutated, ctx),
                Err(Error::Decode { what: kind.object(), why: DecodeFailure::Identity }),
                "{kind:?} {field:?}"
            );
        }
        // The range proof's A, S, T_1, T_2 too.
        for field in [Field::RpA, Field::RpS, Field::RpT1, Field::RpT2] {
            let mut mutated = bytes.clone();
            layout.set(&mut mutated, field, &[0; 32]);
            assert_eq!(
                decode_and_verify(kind, &mutated, ctx),
                Err(Error::Decode { what: Object::RangeProof, why: DecodeFailure::Identity }),
                "{kind:?} {field:?}"
            );
        }
        // The sigma nonce commitments and the IPP rounds may be the identity
        // (they then fail verification).
        for field in [Field::T0, Field::Tj(1), Field::IppL(0), Field::IppR(0)] {
            let mut mutated = bytes.clone();
            layout.set(&mut mutated, field, &[0; 32]);
            assert_eq!(
                decode_and_verify(kind, &mutated, ctx),
                Err(Error::Verification),
                "{field:?}"
            );
        }
    }
}

/// The deploy public key `A` must be canonical, not the identity, and
/// `[8]A′`: a torsion component, the identity and non-canonical encodings
/// are refused with typed errors.
#[test]
fn deploy_key_a_is_checked() {
    let f = deploy_fixture(1, 80);
    let layout = Layout::deploy_key(1);
    let what = Object::SealedDeployKey;
    let with = |A: [u8; 32], A_prime: [u8; 32]| {
        let mut bytes = f.bytes.clone();
        layout.set(&mut bytes, Field::A, &A);
        layout.set(&mut bytes, Field::APrime, &A_prime);
        decode_and_verify(Kind::DeployKey, &bytes, &f.context)
    };
    let fails = |why| Err(Error::Decode { what, why });
    let A = CompressedEdwardsY(layout.get(&f.bytes, Field::A)).decompress().unwrap();
    let A_prime = CompressedEdwardsY(layout.get(&f.bytes, Field::APrime)).decompress().unwrap();
    let enc = |P: curve25519_dalek::edwards::EdwardsPoint| P.compress().to_bytes();
    assert_eq!(with(enc(A), enc(A_prime)), Ok(()));

    // A with a torsion component (A′ as it was, or with a torsion component
    // too: [8]A′ never has one).
    for T in &EIGHT_TORSION[1..] {
        assert_eq!(with(enc(A + T), enc(A_prime)), fails(DecodeFailure::Torsion));
        assert_eq!(with(enc(A + T), enc(A_prime + T)), fails(DecodeFailure::Torsion));
        // A small-order point itself.
        assert_eq!(with(enc(*T), enc(A_prime)), fails(DecodeFailure::Torsion));
    }
    // The identity, with A′ the identity or a torsion point ([8]A′ = A).
    let identity = enc(EIGHT_TORSION[0]);
    assert_eq!(identity, {
        let mut b = [0u8; 32];
        b[0] = 1;
        b
    });
    for A_prime in EIGHT_TORSION {
        assert_eq!(with(identity, enc(A_prime)), fails(DecodeFailure::Identity));
    }
    // Another key's A with this A′ (or the other way round).
    let other = ED25519_BASEPOINT_POINT * Scalar::from(5u64);
    assert_eq!(with(enc(other), enc(A_prime)), fails(DecodeFailure::Torsion));
    assert_eq!(with(enc(A), enc(other)), fails(DecodeFailure::Torsion));
    // Another valid pair (A₂ = [8]A₂′): decodes, fails verification.
    assert_eq!(with(enc(other.mul_by_cofactor()), enc(other)), Err(Error::Verification));

    // Non-canonical encodings: y ≥ p for the small y that have one, and the
    // sign bit on x = 0 (the identity and the point of order 2).
    let mut non_canonical = Vec::new();
    for y in 0u8..19 {
        // p + y, little-endian: p = 2²⁵⁵ − 19.
        let mut bytes = [0xffu8; 32];
        bytes[0] = 0xed + y;
        bytes[31] = 0x7f;
        non_canonical.push(bytes);
    }
    let mut identity_signed = identity;
    identity_signed[31] |= 0x80;
    let mut order_two = [0xffu8; 32]; // y = −1 = p − 1
    order_two[0] = 0xec;
    order_two[31] = 0x7f;
    let mut order_two_signed = order_two;
    order_two_signed[31] |= 0x80;
    non_canonical.extend([identity_signed, order_two_signed]);
    let mut tested = 0;
    for bytes in non_canonical {
        if CompressedEdwardsY(bytes).decompress().is_none() {
            assert_eq!(with(bytes, enc(A_prime)), fails(DecodeFailure::NotOnCurve));
            assert_eq!(with(enc(A), bytes), fails(DecodeFailure::NotOnCurve));
            continue;
        }
        tested += 1;
        assert_eq!(
            with(bytes, enc(A_prime)),
            fails(DecodeFailure::NonCanonical),
            "A = {bytes:02x?}"
        );
        assert_eq!(with(enc(A), bytes), fails(DecodeFailure::NonCanonical), "A′ = {bytes:02x?}");
    }
    assert!(tested >= 2, "the sign-bit encodings decompress");
    // And U_1 must be canonical too.
    let mut bytes = f.bytes.clone();
    layout.set(&mut bytes, Field::U1, &identity_signed);
    assert_eq!(
        decode_and_verify(Kind::DeployKey, &bytes, &f.context),
        fails(DecodeFailure::NonCanonical)
    );
}

/// A vault key that is the identity cannot be a recipient (decoded
/// `VaultPublicKey`s refuse it; a sealed item with one does not decode).
#[test]
fn recipients_that_are_not_vault_keys_are_refused() {
    let f = deploy_fixture(1, 90);
    let mut parts = Parts::parse(Kind::DeployKey, &f.bytes);
    parts.Y[0] = [0; 32];
    assert_eq!(
        decode_and_verify(Kind::DeployKey, &parts.encode(), &f.context),
        Err(Error::Decode { what: Object::SealedDeployKey, why: DecodeFailure::Identity })
    );
    // A stranger holding the same key list cannot open.
    let stranger = VaultKeypair::from_seed(params(), &[0xee; 32]).unwrap();
    assert_eq!(
        stranger.open_deploy_key(params(), &f.sealed, &f.context, &mut rng(91)).map(|_| ()),
        Err(Error::Decryption)
    );
}
