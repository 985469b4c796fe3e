//! Threshold signing through the public API (feature `frost`): a 2-of-3
//! dealing opened share by share, signatures from any two signers that
//! `verify_strict` and `ssh-keygen -Y verify` accept, and every refusal of
//! SPEC §13 (t − 1 signers, another dealing, a message the policy refuses).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::process::Command;

use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use vaultseal::threshold::frost::{
    SignatureShare, SignerCommitment, SigningCoordinator, SigningRequest, ThresholdSigner,
    sign_in_process,
};
use vaultseal::threshold::{
    GitUserauthPolicy, SshSigPolicy, ssh_userauth_request, sshsig_armor, sshsig_signed_data,
};
use vaultseal::{
    Context, Error, KeyShare, Params, Purpose, ThresholdFailure, ThresholdSealedDeployKey,
    VaultKeypair, VaultPublicKey, seal_new_deploy_key_shares,
};

fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

struct Fixture {
    ctx: Context,
    vaults: Vec<VaultKeypair>,
    recipients: Vec<VaultPublicKey>,
    dealing: ThresholdSealedDeployKey,
}

fn fixture(seed: u64) -> Fixture {
    let params = Params::shared();
    let mut r = rng(seed);
    let mut vaults: Vec<VaultKeypair> =
        (0..3).map(|_| VaultKeypair::generate(params, &mut r)).collect();
    // In share order: vaults[v] holds share v + 1.
    vaults.sort_by_key(|v| v.public().sealing_key_bytes());
    let recipients: Vec<VaultPublicKey> = vaults.iter().map(|v| *v.public()).collect();
    let ctx = Context::new(b"project", b"github:1", Purpose::DeployKey, [3; 32]).unwrap();
    let (_, dealing) = seal_new_deploy_key_shares(params, &recipients, 2, &ctx, &mut r).unwrap();
    Fixture { ctx, vaults, recipients, dealing }
}

impl Fixture {
    fn share(&self, vault: usize) -> KeyShare {
        let params = Params::shared();
        self.vaults[vault]
            .open_deploy_key_share(params, &self.dealing, &self.ctx, &self.recipients, &mut rng(5))
            .unwrap()
    }

    fn signer(&self, vault: usize) -> ThresholdSigner {
        ThresholdSigner::new(&self.share(vault), GitUserauthPolicy::default()).unwrap()
    }

    fn coordinator(&self) -> SigningCoordinator {
        let verified = self.dealing.verified(Params::shared(), &self.ctx, &mut rng(6)).unwrap();
        SigningCoordinator::new(&verified).unwrap()
    }
}

fn threshold_error<T: core::fmt::Debug>(result: Result<T, Error>) -> ThresholdFailure {
    match result {
        Err(Error::Threshold { why }) => why,
        other => panic!("expected a threshold error, got {other:?}"),
    }
}

#[test]
fn any_two_of_three_sign_a_git_userauth_request_that_verify_strict_accepts() {
    let f = fixture(1);
    let public = f.dealing.deploy_public_key();
    let signers: Vec<ThresholdSigner> = (0..3).map(|v| f.signer(v)).collect();
    let coordinator = f.coordinator();
    assert_eq!(coordinator.public_key(), public);
    let message = ssh_userauth_request(&[9; 32], "git", &public);
    for pair in [[0, 1], [0, 2], [1, 2]] {
        let chosen: Vec<&ThresholdSigner> = pair.iter().map(|&i| &signers[i]).collect();
        let signature = sign_in_process(&coordinator, &chosen, &message, &mut rng(7)).unwrap();
        public.to_verifying_key().verify_strict(&message, &signature).unwrap();
    }
    // All three sign too.
    let all: Vec<&ThresholdSigner> = signers.iter().collect();
    let signature = sign_in_process(&coordinator, &all, &message, &mut rng(8)).unwrap();
    public.verify(&message, &signature).unwrap();
}

#[test]
fn one_signer_of_two_cannot_sign() {
    let f = fixture(2);
    let public = f.dealing.deploy_public_key();
    let (one, two) = (f.signer(0), f.signer(1));
    let coordinator = f.coordinator();
    let message = ssh_userauth_request(&[9; 32], "git", &public);
    // The coordinator refuses a session with t − 1 commitments.
    let result = sign_in_process(&coordinator, &[&one], &message, &mut rng(9));
    assert_eq!(threshold_error(result), ThresholdFailure::TooFewShares);
    // A session of two that gets one signature share cannot be aggregated.
    let (nonces_1, commit_1) = one.commit(&mut rng(10));
    let (_nonces_2, commit_2) = two.commit(&mut rng(11));
    let request = coordinator.request(&message, &[commit_1, commit_2]).unwrap();
    let share_1 = one.sign(&request, nonces_1).unwrap();
    let result = coordinator.aggregate(&request, core::slice::from_ref(&share_1));
    assert_eq!(threshold_error(result), ThresholdFailure::Signing);
    // Nor with signer 1's share given twice, or a forged second share.
    let result = coordinator.aggregate(&request, &[share_1.clone(), share_1.clone()]);
    assert_eq!(threshold_error(result), ThresholdFailure::DuplicateShare { index: 1 });
    let forged = SignatureShare::from_bytes(&[&[2u8][..], &[1; 32]].concat()).unwrap();
    let result = coordinator.aggregate(&request, &[share_1, forged]);
    assert_eq!(threshold_error(result), ThresholdFailure::Signing);
}

#[test]
fn a_signer_refuses_another_dealing_and_what_its_policy_refuses() {
    let f = fixture(3);
    let other = fixture(4);
    let public = f.dealing.deploy_public_key();
    let signer = f.signer(0);
    let message = ssh_userauth_request(&[9; 32], "git", &public);

    // A session of another dealing (to other vaults, of another key).
    let other_coordinator = other.coordinator();
    let (nonces, commitment) = signer.commit(&mut rng(12));
    let (_, commitment_2) = other.signer(1).commit(&mut rng(13));
    let request = other_coordinator.request(&message, &[commitment, commitment_2]).unwrap();
    assert_eq!(request.dealing_id(), other_coordinator.dealing_id());
    assert_ne!(request.dealing_id(), signer.dealing_id());
    assert_eq!(threshold_error(signer.sign(&request, nonces)), ThresholdFailure::SessionDealing);

    // Messages the git policy refuses: another user, another key, an SSHSIG.
    let coordinator = f.coordinator();
    let other_key = other.dealing.deploy_public_key();
    for refused in [
        ssh_userauth_request(&[9; 32], "root", &public),
        ssh_userauth_request(&[9; 32], "git", &other_key),
        sshsig_signed_data("git", b"a commit"),
        b"anything at all".to_vec(),
    ] {
        let (nonces, commitment) = signer.commit(&mut rng(14));
        let (_, commitment_2) = f.signer(1).commit(&mut rng(15));
        let request = coordinator.request(&refused, &[commitment, commitment_2]).unwrap();
        assert_eq!(threshold_error(signer.sign(&request, nonces)), ThresholdFailure::Policy);
    }
}

#[test]
fn commitments_and_signature_shares_round_trip_as_bytes() {
    let f = fixture(5);
    let public = f.dealing.deploy_public_key();
    let (one, two) = (f.signer(0), f.signer(2));
    let coordinator = f.coordinator();
    let message = ssh_userauth_request(&[1; 32], "git", &public);
    let (nonces_1, commit_1) = one.commit(&mut rng(16));
    let (nonces_2, commit_2) = two.commit(&mut rng(17));
    let wire = |c: &SignerCommitment| SignerCommitment::from_bytes(&c.to_bytes()).unwrap();
    assert_eq!(commit_1.to_bytes().len(), 65);
    let request = coordinator.request(&message, &[wire(&commit_1), wire(&commit_2)]).unwrap();
    // The request crosses to the signers as bytes too.
    let request = SigningRequest::from_bytes(&request.to_bytes()).unwrap();
    assert_eq!(request.message(), &message[..]);
    assert!(SigningRequest::from_bytes(&request.to_bytes()[..100]).is_err());
    let mut twice = request.to_bytes();
    let n = twice.len();
    twice.copy_within(n - 65.., n - 130);
    assert_eq!(
        threshold_error(SigningRequest::from_bytes(&twice)),
        ThresholdFailure::DuplicateShare { index: 3 }
    );
    let shares: Vec<SignatureShare> = [one.sign(&request, nonces_1), two.sign(&request, nonces_2)]
        .into_iter()
        .map(|s| SignatureShare::from_bytes(&s.unwrap().to_bytes()).unwrap())
        .collect();
    assert_eq!(shares[1].index(), 3);
    let signature = coordinator.aggregate(&request, &shares).unwrap();
    public.verify(&message, &signature).unwrap();
    assert!(SignerCommitment::from_bytes(&commit_1.to_bytes()[..64]).is_err());
    assert!(SignatureShare::from_bytes(&[1, 2, 3]).is_err());
    // An index the dealing does not have, or twice.
    let mut bad = commit_1.to_bytes();
    bad[0] = 4;
    let result = coordinator
        .request(&message, &[SignerCommitment::from_bytes(&bad).unwrap(), commit_2.clone()]);
    assert_eq!(threshold_error(result), ThresholdFailure::Signing);
    let result = coordinator.request(&message, &[commit_2.clone(), commit_2]);
    assert_eq!(threshold_error(result), ThresholdFailure::DuplicateShare { index: 3 });
}

/// The FROST signature of an SSHSIG message, armored, passes `ssh-keygen -Y
/// verify` (OpenSSH's own Ed25519 verification) for the deploy key, and a
/// signature over other data does not. CI installs OpenSSH before the tests.
#[test]
fn ssh_keygen_verifies_a_frost_sshsig_signature() {
    let f = fixture(6);
    let public = f.dealing.deploy_public_key();
    let signers: Vec<ThresholdSigner> = [0, 2]
        .iter()
        .map(|&v| ThresholdSigner::new(&f.share(v), SshSigPolicy::new("vaultseal-test")).unwrap())
        .collect();
    let data = b"signed by two vaults of three\n";
    let message = sshsig_signed_data("vaultseal-test", data);
    let chosen: Vec<&ThresholdSigner> = signers.iter().collect();
    let signature = sign_in_process(&f.coordinator(), &chosen, &message, &mut rng(18)).unwrap();

    let dir = std::env::temp_dir().join(format!("vaultseal-frost-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let line = public.to_openssh("").unwrap();
    std::fs::write(dir.join("allowed_signers"), format!("deploy@vaultseal {line}\n")).unwrap();
    std::fs::write(dir.join("data"), data).unwrap();
    std::fs::write(dir.join("data.sig"), sshsig_armor(&public, "vaultseal-test", &signature))
        .unwrap();
    std::fs::write(dir.join("other"), b"other data\n").unwrap();
    let verify = |file: &str| {
        let status = Command::new("ssh-keygen")
            .args(["-Y", "verify", "-f"])
            .arg(dir.join("allowed_signers"))
            .args(["-I", "deploy@vaultseal", "-n", "vaultseal-test", "-s"])
            .arg(dir.join("data.sig"))
            .stdin(std::fs::File::open(dir.join(file)).unwrap())
            .output()
            .expect("ssh-keygen (OpenSSH) must be installed: .ci/run installs it");
        status.status.success()
    };
    assert!(verify("data"), "ssh-keygen -Y verify refused the FROST signature");
    assert!(!verify("other"), "ssh-keygen accepted a signature over other data");
    std::fs::remove_dir_all(&dir).unwrap();
}
