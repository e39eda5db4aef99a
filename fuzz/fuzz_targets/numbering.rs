//! The numbering and heading parsers on arbitrary text.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Some(label) = billdiff::parse::label::body_label(text) {
        assert!(label.len <= text.len());
    }
    let _ = billdiff::parse::label::classify_heading(text);
    if let Some((number, n)) = billdiff::parse::label::scan_number(text) {
        assert_eq!(&text[..n], number);
    }
    let _ = billdiff::parse::id_number(text);
    let _ = billdiff::parse::display_number(text);
});
