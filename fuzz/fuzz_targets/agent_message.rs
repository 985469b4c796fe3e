//! The deploy-key ssh-agent (`vaultseal::agent`) on any bytes a client can
//! send: the server reads them as framed messages and answers each, or closes
//! the connection (a malformed or oversized message, the end of the input);
//! it never panics. Everything it writes back is a sequence of well-framed
//! `SSH_AGENT_FAILURE` (5), `SSH_AGENT_IDENTITIES_ANSWER` (12) or
//! `SSH_AGENT_SIGN_RESPONSE` (14) messages. Seeds in `seeds/agent_message/`:
//! an identities request, a sign request for the held key, an add-identity
//! request.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vaultseal::DeployKey;

fuzz_target!(|data: &[u8]| {
    // The key of the seeds: the scalar 7 (canonical, non-zero).
    let mut scalar = [0u8; 32];
    scalar[0] = 7;
    let key = DeployKey::from_bytes(&scalar).expect("a valid scalar");
    let output = vaultseal::__fuzz::agent_answers(vec![key], data);
    let mut rest = &output[..];
    while !rest.is_empty() {
        assert!(rest.len() >= 5, "a truncated answer");
        let len = u32::from_be_bytes(rest[..4].try_into().expect("4 bytes")) as usize;
        assert!(len >= 1 && rest.len() >= 4 + len, "an answer longer than written");
        let (message, tail) = rest[4..].split_at(len);
        assert!(matches!(message[0], 5 | 12 | 14), "answer type {}", message[0]);
        if message[0] == 5 {
            assert_eq!(len, 1, "a failure carries nothing");
        }
        rest = tail;
    }
});
