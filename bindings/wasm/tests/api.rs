//! The JS API under `wasm-bindgen-test` on Node, against files the native
//! command-line tool wrote (`fixtures/make.sh`): vault records and keys and
//! an owner key. Round trips go through the native crate's own types
//! (compiled to wasm here): a registration made by `createRegistration` is
//! verified and opened with the vaults' secret keys, and every error path
//! throws its stable `kind`.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use js_sys::{Array, Function, Object, Reflect};
use rand_core::UnwrapErr;
use vaultseal::{Params, ProjectRegistration, VaultKeypair, VaultRecord, VaultSecretKey};
use vaultseal_armor::{Kind, decode, encode};
use vaultseal_wasm::{
    create_registration, generate_owner_key, select_vaults_js, verify, verify_vault_records,
};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

const A: &str = include_str!("fixtures/vault-a.record");
const B: &str = include_str!("fixtures/vault-b.record");
const C: &str = include_str!("fixtures/vault-c.record");
const EXPIRED: &str = include_str!("fixtures/vault-expired.record");
const A_KEY: &str = include_str!("fixtures/vault-a.key");
const B_KEY: &str = include_str!("fixtures/vault-b.key");
const C_KEY: &str = include_str!("fixtures/vault-c.key");
const OWNER: &str = include_str!("fixtures/owner.key");
const OWNER_PUB: &str = include_str!("fixtures/owner.key.pub");

// ---- helpers ----

fn get(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &key.into()).unwrap()
}

fn string(value: &JsValue, key: &str) -> String {
    get(value, key).as_string().unwrap_or_else(|| panic!("'{key}' is not a string"))
}

fn boolean(value: &JsValue, key: &str) -> bool {
    get(value, key).as_bool().unwrap_or_else(|| panic!("'{key}' is not a boolean"))
}

fn list(value: &JsValue) -> Vec<JsValue> {
    assert!(Array::is_array(value), "not an array");
    Array::from(value).iter().collect()
}

fn strings(items: &[&str]) -> JsValue {
    items.iter().map(|s| JsValue::from_str(s)).collect::<Array>().into()
}

/// An options object from `(key, value)` pairs.
fn object(fields: &[(&str, JsValue)]) -> JsValue {
    let object = Object::new();
    for (key, value) in fields {
        Reflect::set(&object, &(*key).into(), value).unwrap();
    }
    object.into()
}

/// The `kind` of what a call threw (it must throw an `Error`).
fn thrown_kind(result: Result<JsValue, JsValue>) -> String {
    let error = result.expect_err("expected a throw");
    assert!(error.is_instance_of::<js_sys::Error>(), "not an Error: {error:?}");
    assert_eq!(string(&error, "name"), "VaultsealError");
    assert!(!string(&error, "message").is_empty());
    string(&error, "kind")
}

/// `text` armored again with one byte of its body flipped.
fn tampered(text: &str, at_from_end: usize) -> String {
    let (kind, bytes) = decode(text.as_bytes()).unwrap();
    let mut bytes = bytes.to_vec();
    let at = bytes.len() - at_from_end;
    bytes[at] ^= 1;
    encode(kind, &bytes).unwrap().to_string()
}

fn keypair(text: &str) -> VaultKeypair {
    let (kind, bytes) = decode(text.as_bytes()).unwrap();
    assert_eq!(kind, Kind::VaultSecretKey);
    VaultKeypair::from_secret(Params::shared(), VaultSecretKey::from_bytes(&bytes).unwrap())
}

fn record(text: &str) -> VaultRecord {
    let (_, bytes) = decode(text.as_bytes()).unwrap();
    VaultRecord::from_bytes(&bytes).unwrap()
}

fn rng() -> UnwrapErr<getrandom::SysRng> {
    UnwrapErr(getrandom::SysRng)
}

fn registration_options(vaults: &[&str], extra: &[(&str, JsValue)]) -> JsValue {
    let mut fields = vec![
        ("ownerKey", JsValue::from_str(OWNER)),
        ("projectName", "web-demo".into()),
        ("configRepository", "github:100".into()),
        ("codeRepository", "github:200".into()),
        ("vaults", strings(vaults)),
    ];
    fields.extend(extra.iter().cloned());
    object(&fields)
}

// ---- verifyVaultRecords ----

#[wasm_bindgen_test]
fn records_made_by_the_cli_verify_with_their_fields() {
    let reports = list(&verify_vault_records(strings(&[A, B, C])).unwrap());
    assert_eq!(reports.len(), 3);
    for (report, (text, key)) in reports.iter().zip([(A, A_KEY), (B, B_KEY), (C, C_KEY)]) {
        assert!(boolean(report, "ok"), "{:?}", get(report, "error"));
        let native = record(text);
        assert_eq!(string(report, "region"), native.fields().region());
        assert_eq!(string(report, "endpoint"), native.fields().endpoint());
        assert_eq!(get(report, "epoch").as_f64(), Some(3.0));
        // The fingerprint is the vault key's, as its secret key derives it.
        assert_eq!(string(report, "fingerprint"), keypair(key).public().fingerprint());
        assert!(get(report, "error").is_undefined());
    }
}

#[wasm_bindgen_test]
fn each_bad_record_is_reported_with_its_kind() {
    let sealed_kind = encode(Kind::SealedSecret, &[1, 2, 3]).unwrap().to_string();
    let not_base64 = A.replacen("ASB", "AS*", 1);
    let truncated = {
        let (_, bytes) = decode(A.as_bytes()).unwrap();
        encode(Kind::VaultRecord, &bytes[..bytes.len() - 1]).unwrap().to_string()
    };
    // A flipped bit in the proof (its last 32 bytes precede the 10 bytes of
    // network figures): decodes, but does not verify.
    let forged = tampered(A, 12);
    let reports = list(
        &verify_vault_records(strings(&[
            A,
            &forged,
            EXPIRED,
            &sealed_kind,
            &not_base64,
            "not armor",
            &truncated,
        ]))
        .unwrap(),
    );
    let kinds: Vec<(bool, String)> = reports
        .iter()
        .map(|r| (boolean(r, "ok"), get(r, "errorKind").as_string().unwrap_or_default()))
        .collect();
    assert_eq!(
        kinds,
        [
            (true, String::new()),
            (false, "verification".into()),
            (false, "expired".into()),
            (false, "wrong-kind".into()),
            (false, "armor".into()),
            (false, "armor".into()),
            (false, "decode".into()),
        ]
    );
    // A forged record still shows its fields (the page shows which is bad).
    assert_eq!(string(&reports[1], "region"), "eu-west");
}

#[wasm_bindgen_test]
fn records_must_be_an_array_of_strings() {
    assert_eq!(thrown_kind(verify_vault_records(JsValue::from_str(A))), "options");
    let mixed: JsValue =
        [JsValue::from_str(A), JsValue::from_f64(1.0)].iter().collect::<Array>().into();
    assert_eq!(thrown_kind(verify_vault_records(mixed)), "options");
}

// ---- selectVaults ----

fn select(extra: &[(&str, JsValue)], records: &[&str]) -> Result<JsValue, JsValue> {
    let mut fields = vec![
        ("records", strings(records)),
        ("projectName", "web-demo".into()),
        ("ownerPublicKey", OWNER_PUB.trim().into()),
    ];
    fields.extend(extra.iter().cloned());
    select_vaults_js(object(&fields))
}

#[wasm_bindgen_test]
fn selection_ranks_as_the_library_and_returns_the_strings_given() {
    let chosen: Vec<String> = list(&select(&[("count", 2.into())], &[A, B, C]).unwrap())
        .iter()
        .map(|v| v.as_string().unwrap())
        .collect();
    assert_eq!(chosen.len(), 2);
    // The library's own choice, from the same records.
    let directory = [record(A), record(B), record(C)];
    let owner = vaultseal::VerifyingKey::from_bytes(
        &<[u8; 32]>::try_from(hex_decode(OWNER_PUB.trim())).unwrap(),
    )
    .unwrap();
    let project = vaultseal::ProjectId::derive(&owner, "web-demo").unwrap();
    let policy = vaultseal::SelectionPolicy::default();
    let native = vaultseal::select_vaults(
        Params::shared(),
        &directory,
        &policy,
        project.as_bytes(),
        2,
        &mut rng(),
    )
    .unwrap();
    let texts = [A, B, C];
    let expected: Vec<&str> =
        native.iter().map(|r| texts[directory.iter().position(|d| d == *r).unwrap()]).collect();
    assert_eq!(chosen, expected);
}

fn hex_decode(text: &str) -> Vec<u8> {
    base16ct::mixed::decode_vec(text).unwrap()
}

#[wasm_bindgen_test]
fn invalid_records_are_never_selected() {
    let forged = tampered(C, 12);
    // Five records, two of them bad: three are eligible, so asking for four fails…
    let all = [A, &forged, B, EXPIRED, C];
    assert_eq!(thrown_kind(select(&[("count", 4.into())], &all)), "invalid-input");
    // … and asking for three returns exactly the three good ones.
    let mut chosen: Vec<String> = list(&select(&[("count", 3.into())], &all).unwrap())
        .iter()
        .map(|v| v.as_string().unwrap())
        .collect();
    chosen.sort();
    let mut good = vec![A.to_string(), B.to_string(), C.to_string()];
    good.sort();
    assert_eq!(chosen, good);
}

#[wasm_bindgen_test]
fn selection_policy_fields_apply() {
    let regions = strings(&["us-east"]);
    let chosen = list(&select(&[("count", 1.into()), ("regions", regions)], &[A, B, C]).unwrap());
    assert_eq!(chosen[0].as_string().unwrap(), C);
    // Every record has reputation 900 and capacity 2²⁰.
    assert_eq!(
        thrown_kind(select(&[("count", 1.into()), ("minReputation", 901.into())], &[A, B, C])),
        "invalid-input"
    );
    assert_eq!(
        thrown_kind(select(&[("count", 1.into()), ("minCapacity", 2_000_000.into())], &[A, B, C])),
        "invalid-input"
    );
}

#[wasm_bindgen_test]
fn selection_options_are_checked() {
    let records = [A, B, C];
    for bad in [
        vec![("count", JsValue::from(0))],
        vec![("count", JsValue::from(9))],
        vec![("count", JsValue::from(1.5))],
        vec![("count", JsValue::from("2"))],
        vec![("count", JsValue::from(-1))],
        vec![("count", JsValue::from(2)), ("minReputation", JsValue::from(1001))],
        vec![("count", JsValue::from(2)), ("regoins", strings(&["eu-west"]))],
        vec![("count", JsValue::from(2)), ("regions", JsValue::from("eu-west"))],
    ] {
        let kind = thrown_kind(select(&bad, &records));
        // count 0 and 9 reach the library's range check.
        assert!(kind == "options" || kind == "invalid-input", "{bad:?}: {kind}");
    }
    assert_eq!(thrown_kind(select(&[], &records)), "options");
    let bad_owner = select_vaults_js(object(&[
        ("records", strings(&records)),
        ("projectName", "web-demo".into()),
        ("ownerPublicKey", "abcd".into()),
        ("count", 1.into()),
    ]));
    assert_eq!(thrown_kind(bad_owner), "options");
    assert_eq!(thrown_kind(select_vaults_js(JsValue::from(3))), "options");
}

// ---- generateOwnerKey ----

#[wasm_bindgen_test]
fn owner_keys_are_the_cli_armor_and_its_public_key() {
    let key = generate_owner_key().unwrap();
    let secret = string(&key, "secretKey");
    let (kind, seed) = decode(secret.as_bytes()).unwrap();
    assert_eq!(kind, Kind::OwnerKey);
    let signing = vaultseal::SigningKey::from_bytes(&<[u8; 32]>::try_from(&seed[..]).unwrap());
    assert_eq!(hex_decode(&string(&key, "publicKey")), signing.verifying_key().as_bytes());
    assert_ne!(string(&generate_owner_key().unwrap(), "secretKey"), secret);
}

// ---- createRegistration ----

#[wasm_bindgen_test]
fn a_registration_verifies_and_opens_natively_for_every_vault() {
    let events = Array::new();
    let sink = Function::new_with_args("events, event", "events.push(event)")
        .bind1(&JsValue::NULL, &events);
    let out = create_registration(registration_options(&[A, B, C], &[("onProgress", sink.into())]))
        .unwrap();
    let armored = string(&out, "registration");
    let (kind, bytes) = decode(armored.as_bytes()).unwrap();
    assert_eq!(kind, Kind::ProjectRegistration);
    let registration = ProjectRegistration::from_bytes(&bytes).unwrap();
    assert_eq!(string(&out, "projectId"), registration.project_id().as_str());
    assert_eq!(hex_decode(&string(&out, "registrationId")), registration.registration_id());
    assert!(get(&out, "millis").as_f64().unwrap() >= 0.0);

    let directory = [record(A), record(B), record(C)];
    let yes = |_: &str, _: &vaultseal::DeployPublicKey| true;
    for key in [A_KEY, B_KEY, C_KEY] {
        let vault = keypair(key);
        let verified = registration
            .verify(Params::shared(), vault.public(), &directory, &yes, &mut rng())
            .unwrap();
        let opened = verified.open(Params::shared(), &vault).unwrap();
        for (role, repository) in [("config", opened.config()), ("code", opened.code())] {
            let shown = get(&out, role);
            let public = repository.deploy_key().public_key();
            assert_eq!(string(&shown, "fingerprint"), public.fingerprint());
            assert_eq!(
                string(&shown, "deployKeyOpenssh"),
                public.to_openssh(&format!("vaultseal web-demo {role}")).unwrap()
            );
            assert_eq!(string(&shown, "repository"), repository.repository());
            assert_eq!(
                string(&shown, "webhookSecret"),
                repository.webhook_secret().to_hex().as_str()
            );
        }
    }

    // Five progress events, in order.
    let steps: Vec<String> = events
        .iter()
        .map(|e| {
            let role = get(&e, "role").as_string().unwrap_or_default();
            assert_eq!(get(&e, "total").as_f64(), Some(5.0));
            format!("{}:{}:{role}", get(&e, "done").as_f64().unwrap(), string(&e, "step"))
        })
        .collect();
    assert_eq!(
        steps,
        [
            "1:deploy-key:config",
            "2:webhook-secret:config",
            "3:deploy-key:code",
            "4:webhook-secret:code",
            "5:signature:"
        ]
    );
}

#[wasm_bindgen_test]
fn a_throwing_progress_callback_does_not_stop_the_work() {
    let throws = Function::new_with_args("event", "throw new Error('display failed')");
    let out = create_registration(registration_options(&[A], &[("onProgress", throws.into())]));
    assert!(out.is_ok());
}

#[wasm_bindgen_test]
fn registration_inputs_are_checked_with_their_kinds() {
    let forged = tampered(B, 12);
    let cases: Vec<(JsValue, &str)> = vec![
        (registration_options(&[A, &forged], &[]), "verification"),
        (registration_options(&[A, EXPIRED], &[]), "expired"),
        (registration_options(&[A, "garbage"], &[]), "armor"),
        (registration_options(&[A, A_KEY], &[]), "wrong-kind"),
        (registration_options(&[], &[]), "invalid-input"),
        (registration_options(&[A, A], &[]), "invalid-input"),
        (registration_options(&[A], &[("codeRepository", "github:100".into())]), "invalid-input"),
        (registration_options(&[A], &[("projectName", "".into())]), "invalid-input"),
        (registration_options(&[A], &[("ownerKey", A.into())]), "wrong-kind"),
        (registration_options(&[A], &[("ownerKey", "no".into())]), "armor"),
        (registration_options(&[A], &[("onProgress", 1.into())]), "options"),
        (registration_options(&[A], &[("timestamp", (-5).into())]), "options"),
        (registration_options(&[A], &[("vault", strings(&[A]))]), "options"),
        (JsValue::NULL, "options"),
    ];
    for (options, kind) in cases {
        assert_eq!(thrown_kind(create_registration(options)), kind);
    }
    // The failing record is named.
    let error = create_registration(registration_options(&[A, &forged], &[])).unwrap_err();
    assert!(string(&error, "message").starts_with("vaults[1]"), "{}", string(&error, "message"));
}

// ---- verify ----

#[wasm_bindgen_test]
fn verify_checks_registrations_and_records_in_one_batch() {
    let out = create_registration(registration_options(&[A, B], &[])).unwrap();
    let registration = string(&out, "registration");
    // A flipped byte in the owner's signature (the last 64 bytes).
    let forged = tampered(&registration, 10);
    let reports = list(
        &verify(object(&[(
            "items",
            strings(&[&registration, A, B, &forged, EXPIRED, OWNER, "junk"]),
        )]))
        .unwrap(),
    );
    let seen: Vec<(String, bool, String)> = reports
        .iter()
        .map(|r| {
            (
                string(r, "kind"),
                boolean(r, "ok"),
                get(r, "errorKind").as_string().unwrap_or_default(),
            )
        })
        .collect();
    let expect = |kind: &str, ok: bool, error: &str| (kind.to_string(), ok, error.to_string());
    assert_eq!(
        seen,
        [
            expect("PROJECT REGISTRATION", true, ""),
            expect("VAULT RECORD", true, ""),
            expect("VAULT RECORD", true, ""),
            expect("PROJECT REGISTRATION", false, "registration"),
            expect("VAULT RECORD", false, "expired"),
            expect("OWNER KEY", false, "wrong-kind"),
            expect("unknown", false, "armor"),
        ]
    );
    // Without the recipients' records, a registration cannot be checked.
    let alone = list(&verify(object(&[("items", strings(&[&registration]))])).unwrap());
    assert_eq!(get(&alone[0], "errorKind").as_string().as_deref(), Some("registration"));
    // For a vault that is not a recipient.
    let for_c = list(
        &verify(object(&[("items", strings(&[&registration, A, B])), ("vault", C.into())]))
            .unwrap(),
    );
    assert!(!boolean(&for_c[0], "ok"));
    assert_eq!(get(&for_c[0], "errorKind").as_string().as_deref(), Some("registration"));
}

#[wasm_bindgen_test]
fn sealed_items_verify_under_the_context_the_options_give() {
    let params = Params::shared();
    let owner = vaultseal::SigningKey::from_bytes(&[9; 32]).verifying_key();
    let owner_hex = base16ct::lower::encode_string(owner.as_bytes());
    let vault = keypair(A_KEY);
    let project = vaultseal::ProjectId::derive(&owner, "sealed-demo").unwrap();
    let context = vaultseal::Context::new(
        project.as_bytes(),
        b"github:7",
        vaultseal::Purpose::Secret,
        owner.to_bytes(),
    )
    .unwrap();
    let sealed =
        vaultseal::seal_secret(params, &[*vault.public()], &context, b"hunter2", &mut rng())
            .unwrap();
    let text = encode(Kind::SealedSecret, &sealed.to_bytes()).unwrap().to_string();
    let check = |fields: &[(&str, JsValue)]| {
        let mut all = vec![("items", strings(&[&text]))];
        all.extend(fields.iter().cloned());
        let report = &list(&verify(object(&all)).unwrap())[0];
        (boolean(report, "ok"), get(report, "errorKind").as_string().unwrap_or_default())
    };
    let right = [
        ("projectName", JsValue::from("sealed-demo")),
        ("owner", owner_hex.as_str().into()),
        ("repository", "github:7".into()),
    ];
    assert_eq!(check(&right), (true, String::new()));
    // The same with the project id itself.
    let by_id = [
        ("project", JsValue::from(project.as_str())),
        ("owner", owner_hex.as_str().into()),
        ("repository", "github:7".into()),
    ];
    assert_eq!(check(&by_id), (true, String::new()));
    // Another repository, purpose or extra: a verification failure.
    let mut other = right.to_vec();
    other[2] = ("repository", "github:8".into());
    assert_eq!(check(&other), (false, "verification".into()));
    let mut purpose = right.to_vec();
    purpose.push(("purpose", "webhook-secret".into()));
    assert_eq!(check(&purpose), (false, "verification".into()));
    let mut extra = right.to_vec();
    extra.push(("extra", "x".into()));
    assert_eq!(check(&extra), (false, "verification".into()));
    // No context, or a malformed one: an options failure in the report.
    assert_eq!(check(&[]), (false, "options".into()));
    let mut bad_purpose = right.to_vec();
    bad_purpose.push(("purpose", "secrets".into()));
    assert_eq!(check(&bad_purpose), (false, "options".into()));
    let mut both = right.to_vec();
    both.push(("project", "x".into()));
    assert_eq!(check(&both), (false, "options".into()));
}

#[wasm_bindgen_test]
fn verify_options_are_checked() {
    assert_eq!(thrown_kind(verify(object(&[]))), "options");
    assert_eq!(thrown_kind(verify(object(&[("items", JsValue::from("x"))]))), "options");
    assert_eq!(
        thrown_kind(verify(object(&[("items", strings(&[A])), ("vualt", A.into())]))),
        "options"
    );
    assert_eq!(
        thrown_kind(verify(object(&[("items", strings(&[A])), ("vault", OWNER.into())]))),
        "wrong-kind"
    );
    // Context fields given with no sealed item to carry their failure: a
    // malformed one is thrown, never ignored; a partial, well-formed set is
    // no failure (nothing needs it).
    let records_with = |fields: &[(&str, JsValue)]| {
        let mut all = vec![("items", strings(&[A]))];
        all.extend(fields.iter().cloned());
        verify(object(&all))
    };
    let owner_hex = "11".repeat(32);
    for (malformed, kind) in [
        (vec![("owner", JsValue::from("abcd"))], "options"),
        (vec![("purpose", "secrets".into())], "options"),
        (vec![("project", "x".into()), ("projectName", "y".into())], "options"),
        // A complete set whose context the crate refuses (an empty
        // repository), as it would be in a sealed item's report.
        (
            vec![
                ("owner", owner_hex.as_str().into()),
                ("project", "demo".into()),
                ("repository", "".into()),
            ],
            "invalid-input",
        ),
    ] {
        assert_eq!(thrown_kind(records_with(&malformed)), kind, "{malformed:?}");
    }
    let reports = records_with(&[("owner", owner_hex.as_str().into())]).unwrap();
    assert!(boolean(&list(&reports)[0], "ok"));
}

#[wasm_bindgen_test]
fn owner_public_key_reads_the_cli_owner_key() {
    assert_eq!(vaultseal_wasm::owner_public_key_js(OWNER.into()).unwrap(), OWNER_PUB.trim());
    let kind = |text: &str| {
        let error = vaultseal_wasm::owner_public_key_js(text.into()).unwrap_err();
        string(&error, "kind")
    };
    assert_eq!(
        thrown_kind(vaultseal_wasm::owner_public_key_js(JsValue::from(7)).map(JsValue::from)),
        "options"
    );
    assert_eq!(kind(A), "wrong-kind");
    assert_eq!(kind("x"), "armor");
    assert_eq!(kind(&encode(Kind::OwnerKey, &[1; 31]).unwrap()), "decode");
}

#[wasm_bindgen_test]
fn threshold_dealings_verify_as_deploy_keys_and_fail_with_their_kind() {
    let params = Params::shared();
    let owner = vaultseal::SigningKey::from_bytes(&[3; 32]).verifying_key();
    let owner_hex = base16ct::lower::encode_string(owner.as_bytes());
    let recipients = [*keypair(A_KEY).public(), *keypair(B_KEY).public(), *keypair(C_KEY).public()];
    let context = vaultseal::Context::new(
        b"dealt",
        b"github:9",
        vaultseal::Purpose::DeployKey,
        owner.to_bytes(),
    )
    .unwrap();
    let (_, dealing) =
        vaultseal::seal_new_deploy_key_shares(params, &recipients, 2, &context, &mut rng())
            .unwrap();
    let text = encode(Kind::ThresholdSealedDeployKey, &dealing.to_bytes()).unwrap().to_string();
    let check = |repository: &str| {
        let options = object(&[
            ("items", strings(&[&text])),
            ("project", "dealt".into()),
            ("owner", owner_hex.as_str().into()),
            ("repository", repository.into()),
            // Ignored for dealings: they always verify as deploy keys.
            ("purpose", "secret".into()),
        ]);
        let report = &list(&verify(options).unwrap())[0];
        assert_eq!(string(report, "kind"), "THRESHOLD SEALED DEPLOY KEY");
        (boolean(report, "ok"), get(report, "errorKind").as_string().unwrap_or_default())
    };
    assert_eq!(check("github:9"), (true, String::new()));
    assert_eq!(check("github:10"), (false, "threshold".into()));
}

// ---- hardening ----

/// How many times the bytes (given in JS: `hex`, or an armor's body) occur
/// in this module's linear memory. The needle is built in JS, never in wasm
/// memory, so the count is that of the module's own copies.
fn copies_in_memory(needle: &JsValue, is_armor: bool) -> f64 {
    let search = Function::new_with_args(
        "memory, needle, isArmor",
        "let bytes;
         if (isArmor) {
           const body = needle.split('\\n').filter(l => l && !l.startsWith('-----')).join('');
           bytes = Uint8Array.from(atob(body), c => c.charCodeAt(0));
         } else {
           bytes = Uint8Array.from(needle.match(/../g), h => parseInt(h, 16));
         }
         const m = new Uint8Array(memory.buffer);
         let count = 0;
         outer: for (let i = 0; i + bytes.length <= m.length; i++) {
           if (m[i] !== bytes[0]) continue;
           for (let j = 1; j < bytes.length; j++) if (m[i + j] !== bytes[j]) continue outer;
           count++;
         }
         return count;",
    );
    search
        .call3(&JsValue::NULL, &wasm_bindgen::memory(), needle, &JsValue::from_bool(is_armor))
        .unwrap()
        .as_f64()
        .unwrap()
}

#[wasm_bindgen_test]
fn no_secret_is_left_in_wasm_memory() {
    // A fresh owner key: its seed (decoded only in JS here).
    let key = generate_owner_key().unwrap();
    let armor = get(&key, "secretKey");
    assert_eq!(copies_in_memory(&armor, true), 0.0, "owner seed after generateOwnerKey");
    assert!(vaultseal_wasm::owner_public_key_js(armor.clone()).is_ok());
    assert_eq!(copies_in_memory(&armor, true), 0.0, "owner seed after ownerPublicKey");

    // A registration: the owner seed and both webhook secrets.
    let out =
        create_registration(registration_options(&[A, B], &[("ownerKey", armor.clone())])).unwrap();
    assert_eq!(copies_in_memory(&armor, true), 0.0, "owner seed after createRegistration");
    for role in ["config", "code"] {
        let secret = get(&get(&out, role), "webhookSecret");
        assert_eq!(copies_in_memory(&secret, false), 0.0, "{role} webhook secret");
    }

    // A failure after the owner key was read (no vaults given).
    let options = object(&[
        ("ownerKey", armor.clone()),
        ("projectName", "p".into()),
        ("configRepository", "a".into()),
        ("codeRepository", "b".into()),
    ]);
    assert_eq!(thrown_kind(create_registration(options)), "options");
    assert_eq!(copies_in_memory(&armor, true), 0.0, "owner seed after a failed call");

    // A `vaults` array whose element read throws, after the owner key.
    let throwing = js_sys::eval(
        "new Proxy([], { get(t, k) { if (k === 'length') return 1; throw new Error('boom'); } })",
    )
    .unwrap();
    let options = registration_options(&[], &[("ownerKey", armor.clone()), ("vaults", throwing)]);
    assert_eq!(thrown_kind(create_registration(options)), "options");
    assert_eq!(copies_in_memory(&armor, true), 0.0, "owner seed after a throwing input");
}

#[wasm_bindgen_test]
fn throwing_getters_and_proxies_are_options_failures() {
    let getter = js_sys::eval(
        "({ records: [], projectName: 'p', ownerPublicKey: '00', count: 1, \
           get regions() { throw new Error('no') } })",
    )
    .unwrap();
    assert_eq!(thrown_kind(select_vaults_js(getter)), "options");
    let revoked = js_sys::eval(
        "(() => { const p = Proxy.revocable([], {}); p.revoke(); return p.proxy; })()",
    )
    .unwrap();
    assert_eq!(thrown_kind(verify_vault_records(revoked.clone())), "options");
    assert_eq!(thrown_kind(verify(revoked)), "options");
}

#[wasm_bindgen_test]
fn oversized_inputs_are_refused_before_they_are_copied() {
    let many: JsValue = (0..=4096).map(|_| JsValue::from_str("x")).collect::<Array>().into();
    assert_eq!(thrown_kind(verify_vault_records(many)), "options");
    let long = js_sys::eval("['x'.repeat((1 << 20) + 1)]").unwrap();
    assert_eq!(thrown_kind(verify_vault_records(long)), "options");
    let total = js_sys::eval("Array(65).fill('x'.repeat(1 << 20))").unwrap();
    assert_eq!(thrown_kind(verify_vault_records(total)), "options");
}

#[wasm_bindgen_test]
fn a_vault_is_selected_once_however_often_its_record_is_given() {
    let rewrapped = A.replace('\n', "\r\n");
    assert_eq!(thrown_kind(select(&[("count", 3.into())], &[A, A, B])), "invalid-input");
    assert_eq!(thrown_kind(select(&[("count", 3.into())], &[A, &rewrapped, B])), "invalid-input");
    let mut chosen: Vec<String> =
        list(&select(&[("count", 2.into())], &[A, &rewrapped, B]).unwrap())
            .iter()
            .map(|v| v.as_string().unwrap())
            .collect();
    chosen.sort();
    let mut expected = vec![A.to_string(), B.to_string()];
    expected.sort();
    assert_eq!(chosen, expected);
}

#[wasm_bindgen_test]
fn create_registration_cannot_be_entered_from_its_own_progress() {
    let inner = Array::new();
    let callback = Function::new_with_args(
        "inner, create, options, event",
        "if (event.done === 1) { try { create(options) } catch (e) { inner.push(e.kind) } }",
    );
    // The export itself, called from JS.
    let options = registration_options(&[A], &[]);
    let reenter = Closure::<dyn Fn(JsValue) -> Result<JsValue, JsValue>>::new(create_registration);
    let bound = callback.bind3(&JsValue::NULL, &inner, reenter.as_ref().unchecked_ref(), &options);
    let outer = create_registration(registration_options(&[A], &[("onProgress", bound.into())]));
    assert!(outer.is_ok());
    assert_eq!(inner.iter().map(|k| k.as_string().unwrap()).collect::<Vec<_>>(), ["options"]);
}

#[wasm_bindgen_test]
fn reports_carry_the_network_figures_and_large_numbers_as_strings() {
    let report = &list(&verify_vault_records(strings(&[A])).unwrap())[0];
    assert_eq!(get(report, "reputation").as_f64(), Some(900.0));
    assert_eq!(get(report, "freeCapacity").as_f64(), Some(1_048_576.0));
    // A record whose epoch and capacity JS numbers cannot hold exactly.
    let vault = keypair(A_KEY);
    let fields = vaultseal::VaultFields::new("eu-west", "https://big.example", 1 << 60, 0).unwrap();
    let big =
        VaultRecord::new(&vault, fields, &mut rng()).with_network_metrics(1, u64::MAX).unwrap();
    let text = encode(Kind::VaultRecord, &big.to_bytes()).unwrap().to_string();
    let report = &list(&verify_vault_records(strings(&[&text])).unwrap())[0];
    assert!(boolean(report, "ok"));
    assert_eq!(string(report, "epoch"), "1152921504606846976");
    assert_eq!(string(report, "freeCapacity"), "18446744073709551615");
}
