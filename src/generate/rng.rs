//! Index-addressable randomness: the source of every generated value.
//!
//! A value is a pure function of (seed, table, column, row index): [`StreamKey`] hashes the first
//! three once per column, and [`RowRng::at`] derives a fresh generator for one row in a few
//! nanoseconds. No state carries from row to row, so any slice of a table can be generated alone,
//! in any order, on any machine (parallel loads, `--shard k/n`). The hash functions are written
//! here rather than taken from a crate so their output can never change under us.
//!
//! [`Permutation`] is a keyed bijection on `0..n`: it spreads unique keys (pairs of a join table,
//! one-to-one parents) without remembering which were used.

use std::convert::Infallible;

use rand::TryRng;

/// SplitMix64's finaliser: a strong 64-bit bijective mixer.
pub const fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Combines two words into one, order-sensitive.
pub const fn combine(a: u64, b: u64) -> u64 {
    mix64(a ^ mix64(b.wrapping_add(0x9e37_79b9_7f4a_7c15)))
}

/// FNV-1a over bytes, then mixed: a stable hash of names.
pub fn hash_str(text: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.as_bytes() {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    mix64(hash)
}

/// The identity of one random stream: (seed, table, column, purpose) hashed once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StreamKey(pub u64);

impl StreamKey {
    pub fn new(seed: u64, table: &str, column: &str) -> Self {
        StreamKey(combine(combine(mix64(seed), hash_str(table)), hash_str(column)))
    }

    /// A distinct stream derived from this one (e.g. `"nulls"`, `"fk:users"`).
    pub fn derive(self, purpose: &str) -> Self {
        StreamKey(combine(self.0, hash_str(purpose)))
    }

    /// One uniformly distributed word for `index`: the cheapest draw there is.
    pub fn word(self, index: u64) -> u64 {
        combine(self.0, index)
    }

    /// A uniform float in [0, 1) for `index`.
    pub fn unit(self, index: u64) -> f64 {
        unit_f64(self.word(index))
    }

    /// A uniform number in `0..n` for `index` (`n > 0`).
    pub fn below(self, index: u64, n: u64) -> u64 {
        below(self.word(index), n)
    }
}

/// Maps a random word to [0, 1).
pub fn unit_f64(word: u64) -> f64 {
    (word >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// Maps a random word to `0..n` without modulo bias worth measuring (Lemire's multiply-shift).
pub fn below(word: u64, n: u64) -> u64 {
    ((u128::from(word) * u128::from(n)) >> 64) as u64
}

/// A small, fast generator for the draws of one row of one column: SplitMix64 over a row-derived
/// state. Implements `rand`'s traits so distributions (`rand_distr`) can be sampled from it.
#[derive(Debug, Clone)]
pub struct RowRng {
    state: u64,
}

impl RowRng {
    pub fn at(key: StreamKey, index: u64) -> Self {
        RowRng { state: key.word(index) }
    }

    pub fn next_word(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix64(self.state)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        below(self.next_word(), n)
    }

    /// A uniform integer in `lo..=hi`.
    pub fn range_i64(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        let span = (hi as i128 - lo as i128 + 1) as u128;
        if span > u128::from(u64::MAX) {
            return self.next_word() as i64;
        }
        (lo as i128 + i128::from(self.below(span as u64))) as i64
    }

    pub fn unit(&mut self) -> f64 {
        unit_f64(self.next_word())
    }

    pub fn chance(&mut self, probability: f64) -> bool {
        self.unit() < probability
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
}

impl TryRng for RowRng {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        Ok((self.next_word() >> 32) as u32)
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        Ok(self.next_word())
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        for chunk in dst.chunks_mut(8) {
            let bytes = self.next_word().to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
        Ok(())
    }
}

/// A keyed bijection on `0..n`: a balanced Feistel network on the next power of four, with cycle
/// walking to stay inside `0..n`. Used wherever distinct indexes must look random.
#[derive(Debug, Clone, Copy)]
pub struct Permutation {
    n: u64,
    half_bits: u32,
    key: u64,
}

impl Permutation {
    pub fn new(n: u64, key: StreamKey) -> Self {
        let bits = 64 - n.saturating_sub(1).leading_zeros();
        let half_bits = bits.div_ceil(2).max(1);
        Permutation { n, half_bits, key: key.0 }
    }

    pub fn len(&self) -> u64 {
        self.n
    }

    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// The image of `index` (which must be below `n`).
    pub fn apply(&self, index: u64) -> u64 {
        if self.n <= 1 {
            return index;
        }
        let mut x = index;
        loop {
            x = self.feistel(x);
            if x < self.n {
                return x;
            }
        }
    }

    fn feistel(&self, x: u64) -> u64 {
        let mask = (1u64 << self.half_bits) - 1;
        let (mut left, mut right) = (x >> self.half_bits, x & mask);
        for round in 0..4u64 {
            let f = combine(self.key ^ round, right) & mask;
            (left, right) = (right, left ^ f);
        }
        (left << self.half_bits) | right
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permutation_is_a_bijection_for_awkward_sizes() {
        for n in [1u64, 2, 3, 7, 10, 100, 257, 1000, 4097] {
            let perm = Permutation::new(n, StreamKey::new(1, "t", "c"));
            let mut seen = vec![false; n as usize];
            for i in 0..n {
                let image = perm.apply(i);
                assert!(image < n, "{image} out of 0..{n}");
                assert!(!seen[image as usize], "{image} hit twice for n={n}");
                seen[image as usize] = true;
            }
        }
    }

    #[test]
    fn streams_are_pure_functions_of_their_inputs() {
        let a = StreamKey::new(42, "users", "email");
        assert_eq!(RowRng::at(a, 7).next_word(), RowRng::at(a, 7).next_word());
        assert_ne!(RowRng::at(a, 7).next_word(), RowRng::at(a, 8).next_word());
        assert_ne!(a, StreamKey::new(43, "users", "email"));
        assert_ne!(a, StreamKey::new(42, "users", "name"));
        // Pinned: the data a seed gives must not change between builds.
        assert_eq!(hash_str("users"), hash_str("users"));
        assert_eq!(mix64(0), 0);
        assert_eq!(mix64(1), 0x5692_161d_100b_05e5);
    }

    #[test]
    fn range_stays_inside_bounds() {
        let key = StreamKey::new(1, "t", "c");
        for i in 0..1000 {
            let v = RowRng::at(key, i).range_i64(-3, 5);
            assert!((-3..=5).contains(&v));
        }
        assert_eq!(RowRng::at(key, 0).range_i64(9, 9), 9);
    }
}
