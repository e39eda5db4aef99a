//! Arbitrary text as an annotation file and as a rule pack: loading never panics or hangs.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = billdiff::annotate::parse_annotation_text(text, "fuzz.yaml");
    if let Ok(pack) = billdiff::annotate::rules::parse_rule_pack_text(text, "fuzz-rules.yaml") {
        let _ = pack.eval_text("The platform shall remove it within 24 hours.", &|| String::new());
    }
});
