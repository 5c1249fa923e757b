//! Choosing partition keys by the chosen distribution. Keys are numbered from 0; Zipf picks
//! key `k` with weight `1 / (k + 1)^exponent` by a binary search of the cumulative weights.

use dynoscope_engine::SeededRng;

use crate::settings::Distribution;

/// Picks key numbers.
pub struct KeyPicker {
    keys: u32,
    /// For Zipf: the cumulative weights, rising to 1.
    cumulative: Option<Vec<f64>>,
    hot: bool,
}

impl KeyPicker {
    pub fn new(distribution: Distribution, keys: u32) -> KeyPicker {
        let cumulative = match distribution {
            Distribution::Zipf { exponent } => {
                let mut total = 0.0;
                let mut sums: Vec<f64> = (1..=keys)
                    .map(|k| {
                        total += 1.0 / f64::from(k).powf(exponent);
                        total
                    })
                    .collect();
                sums.iter_mut().for_each(|s| *s /= total);
                Some(sums)
            }
            _ => None,
        };
        KeyPicker {
            keys,
            cumulative,
            hot: distribution == Distribution::HotKey,
        }
    }

    /// The next key number, below the number of keys.
    pub fn pick(&self, rng: &mut SeededRng) -> u32 {
        if self.hot {
            return 0;
        }
        match &self.cumulative {
            Some(sums) => {
                let u = rng.below(1 << 53) as f64 / (1u64 << 53) as f64;
                sums.partition_point(|s| *s <= u).min(sums.len() - 1) as u32
            }
            None => rng.below(u64::from(self.keys)) as u32,
        }
    }
}
