//! placeholder, replaced by the tokenizer
