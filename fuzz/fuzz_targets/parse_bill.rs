//! Arbitrary bytes as a bill file: reading and parsing never panic, and spans stay in the text.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(source) = billdiff::source::Source::from_bytes(std::path::Path::new("fuzz.md"), data.to_vec()) else {
        return;
    };
    let len = source.text.len();
    if let Ok(bill) = billdiff::parse::parse_bill(source) {
        for c in &bill.clauses {
            assert!(c.span.start <= c.span.end && c.span.end <= len);
            for s in &c.own_spans {
                assert!(s.end <= len && bill.source.text.is_char_boundary(s.start));
            }
        }
        let _ = billdiff::render::outline::outline_json(&bill, None);
    }
});
