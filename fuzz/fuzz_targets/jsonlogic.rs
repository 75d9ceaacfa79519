//! A JsonLogic rule and data (the data after the first NUL byte): compile and
//! evaluate within the budget, giving a value or a typed error, never a panic
//! or an allocation that grows faster than the input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (rule, rest) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &b"{}"[..]),
    };
    let (Ok(rule), Ok(values)) = (serde_json::from_slice(rule), serde_json::from_slice(rest)) else { return };
    let evaluator = inscene::condition::Evaluator::new();
    let _ = evaluator.evaluate(&rule, &values);
    if let Ok(condition) = evaluator.compile(&rule) {
        let _ = evaluator.scope(&values).holds(&condition);
    }
});
