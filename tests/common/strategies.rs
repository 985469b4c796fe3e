//! proptest strategies shared by the property tests.

use proptest::prelude::*;
use vaultseal::{Context, Purpose};

/// Any purpose.
pub fn purpose() -> impl Strategy<Value = Purpose> {
    prop_oneof![Just(Purpose::DeployKey), Just(Purpose::WebhookSecret), Just(Purpose::Secret)]
}

/// Any valid context: project 1..=128 bytes, repository 1..=256 bytes, any
/// owner, extra absent or 0..=1024 bytes.
pub fn context() -> impl Strategy<Value = Context> {
    (
        prop::collection::vec(any::<u8>(), 1..=128),
        prop::collection::vec(any::<u8>(), 1..=256),
        purpose(),
        any::<[u8; 32]>(),
        prop::option::of(prop::collection::vec(any::<u8>(), 0..=1024)),
    )
        .prop_map(|(project, repository, purpose, owner, extra)| {
            let context =
                Context::new(&project, &repository, purpose, owner).expect("lengths are in range");
            match extra {
                None => context,
                Some(extra) => context.with_extra(&extra).expect("extra is in range"),
            }
        })
}

/// Arbitrary bytes, up to `max` long.
pub fn bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 0..=max)
}
