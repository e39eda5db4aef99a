//! Two arbitrary bills (the input split at its first 0xFF byte): alignment and redlines never
//! panic, every old and new clause is in exactly one row, and redlines rebuild both texts.
#![no_main]
use libfuzzer_sys::fuzz_target;

use billdiff::align::{align_bills, AlignConfig, Alignment};

fn bill(bytes: &[u8]) -> Option<billdiff::model::Bill> {
    let source = billdiff::source::Source::from_bytes(std::path::Path::new("f.md"), bytes.to_vec()).ok()?;
    billdiff::parse::parse_bill(source).ok()
}

fuzz_target!(|data: &[u8]| {
    let cut = data.iter().position(|&b| b == 0xFF).unwrap_or(data.len() / 2);
    let (a, b) = (&data[..cut], &data[(cut + 1).min(data.len())..]);
    let (Some(old), Some(new)) = (bill(a), bill(b)) else { return };
    let alignment = align_bills(&old, &new, &AlignConfig::default());
    for pair in &alignment.pairs {
        if let Some(r) = &pair.redline {
            let (o, n) = Alignment::pair_texts(pair, &old, &new);
            assert_eq!(r.apply(&o, &n), n);
            assert_eq!(r.revert(&o), o);
        }
    }
    let mut seen_old = vec![0u8; old.clauses.len()];
    for p in &alignment.pairs {
        for o in p.old.iter().chain(&p.merged_from) {
            seen_old[*o] += 1;
        }
    }
    assert!(seen_old.iter().all(|&n| n == 1));
});
