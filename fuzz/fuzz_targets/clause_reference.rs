//! Clause references as people write them, parsed and resolved on a small bill.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn bill() -> &'static billdiff::model::Bill {
    static BILL: OnceLock<billdiff::model::Bill> = OnceLock::new();
    BILL.get_or_init(|| {
        let md = "## Article 5. T\n\n1. One.\n\n2. Two:\n\n   1) a;\n   2) b.\n\n## § 3 X\n\n(1) Eins.\n\n(2) Zwei:\n\n1.  x\n\n2.  y\n";
        billdiff::parse::parse_bill(billdiff::source::Source::from_text("f.md", md)).expect("parses")
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = billdiff::cite::reference_numbers(text);
    let _ = billdiff::cite::resolve(bill(), text);
});
