//! The generator's randomness: SplitMix64 streams, one per attribute and per ref, seeded
//! from the table's seed and the names involved, so editing one attribute leaves the others'
//! values alone. Choices are made on integers; the only floating point is the Zipf weights,
//! computed with a logarithm and an exponential written here from `+ − × ÷` and `floor`
//! alone, which IEEE 754 defines exactly, so wasm32 and x86_64 draw the same items (libm's
//! `powf` is not required to round the same way everywhere).

/// SplitMix64: small, fast and good enough for sample data.
#[derive(Debug, Clone)]
pub(crate) struct Stream {
    state: u64,
}

impl Stream {
    /// The stream for `parts` (entity and attribute names) under `seed`.
    pub(crate) fn new(seed: u64, parts: &[&str]) -> Stream {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for part in parts {
            for byte in part.bytes().chain([0xff]) {
                hash ^= u64::from(byte);
                hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
            }
        }
        Stream {
            state: seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ hash,
        }
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A value in `0..bound`; 0 when `bound` is 0.
    pub(crate) fn below(&mut self, bound: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(bound)) >> 64) as u64
    }

    /// A value in `low..=high` (`low <= high`).
    pub(crate) fn between(&mut self, low: i64, high: i64) -> i64 {
        let span = high.wrapping_sub(low) as u64;
        match span.checked_add(1) {
            Some(bound) => low.wrapping_add(self.below(bound) as i64),
            None => self.next_u64() as i64,
        }
    }

    /// An index into a slice of `len` elements (`len > 0`).
    pub(crate) fn index(&mut self, len: usize) -> usize {
        self.below(len as u64) as usize
    }
}

/// How a ref picks which of the target's items to take values from: an item index.
#[derive(Debug, Clone)]
pub(crate) enum Sampler {
    Uniform {
        items: u64,
    },
    /// Cumulative thresholds out of 2^53: item `i` is picked when a 53-bit draw falls below
    /// `thresholds[i]` and not below `thresholds[i - 1]`.
    Cumulative {
        thresholds: Vec<u64>,
    },
    /// `share` percent of picks go to the first `hot` items, the rest to the others.
    Hot {
        items: u64,
        hot: u64,
        share: u64,
    },
}

const SCALE: f64 = 9_007_199_254_740_992.0; // 2^53

impl Sampler {
    /// Zipf over `items` ranks: item `i` weighs `1 / (i + 1)^exponent`.
    pub(crate) fn zipf(items: u32, exponent: f64) -> Sampler {
        let weights: Vec<f64> = (1..=items)
            .map(|rank| exp(-exponent * ln(f64::from(rank))))
            .collect();
        let total: f64 = weights.iter().sum();
        let mut running = 0.0;
        let mut thresholds: Vec<u64> = weights
            .iter()
            .map(|w| {
                running += w;
                (running / total * SCALE) as u64
            })
            .collect();
        if let Some(last) = thresholds.last_mut() {
            *last = 1 << 53;
        }
        Sampler::Cumulative { thresholds }
    }

    pub(crate) fn pick(&self, stream: &mut Stream) -> usize {
        match self {
            Sampler::Uniform { items } => stream.below(*items) as usize,
            Sampler::Cumulative { thresholds } => {
                let draw = stream.next_u64() >> 11;
                thresholds
                    .partition_point(|&t| t <= draw)
                    .min(thresholds.len().saturating_sub(1))
            }
            Sampler::Hot { items, hot, share } => {
                if stream.below(100) < *share {
                    stream.below(*hot) as usize
                } else {
                    (hot + stream.below(items - hot)) as usize
                }
            }
        }
    }
}

/// Natural logarithm of `x >= 1` from its binary exponent and an atanh series on the
/// mantissa (`ln m = 2 atanh((m − 1)/(m + 1))`, the argument below 1/3).
pub(crate) fn ln(x: f64) -> f64 {
    let bits = x.to_bits();
    let exponent = ((bits >> 52) & 0x7ff) as i32 - 1023;
    let mantissa = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
    let z = (mantissa - 1.0) / (mantissa + 1.0);
    let z2 = z * z;
    let (mut term, mut sum, mut k) = (z, 0.0, 1.0);
    while k < 60.0 {
        sum += term / k;
        term *= z2;
        k += 2.0;
    }
    2.0 * sum + f64::from(exponent) * std::f64::consts::LN_2
}

/// `e^x` for `x <= 0`: `x = n ln 2 + r` with `0 <= r < ln 2`, a Taylor series for `e^r`
/// and `2^n` built from its bits. Underflows to 0 below 2^-1022.
pub(crate) fn exp(x: f64) -> f64 {
    let n = (x / std::f64::consts::LN_2).floor();
    let r = x - n * std::f64::consts::LN_2;
    let (mut term, mut sum, mut k) = (1.0, 0.0, 1.0);
    while k < 25.0 {
        sum += term;
        term *= r / k;
        k += 1.0;
    }
    if n < -1022.0 {
        return 0.0;
    }
    let power = f64::from_bits(((n as i64 + 1023) as u64) << 52);
    sum * power
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_names_and_seed_give_the_same_stream() {
        let (mut a, mut b) = (
            Stream::new(7, &["User", "id"]),
            Stream::new(7, &["User", "id"]),
        );
        assert!((0..50).all(|_| a.next_u64() == b.next_u64()));
        let mut c = Stream::new(7, &["User", "name"]);
        assert_ne!(Stream::new(7, &["User", "id"]).next_u64(), c.next_u64());
    }

    #[test]
    fn between_stays_inside_its_bounds() {
        let mut s = Stream::new(1, &[]);
        assert!((0..1000).all(|_| (-3..=5).contains(&s.between(-3, 5))));
        assert_eq!(s.between(4, 4), 4);
    }

    #[test]
    fn the_series_logarithm_and_exponential_match_the_library_closely() {
        for x in [1.0, 2.0, 3.0, 10.0, 1234.5, 99_999.0] {
            assert!((ln(x) - f64::ln(x)).abs() < 1e-12, "ln {x}");
        }
        for x in [0.0, -0.5, -1.0, -7.25, -46.0] {
            assert!((exp(x) / f64::exp(x) - 1.0).abs() < 1e-12, "exp {x}");
        }
    }

    #[test]
    fn zipf_thresholds_are_pinned_bit_for_bit() {
        // Changing these changes every Zipf-skewed model's sample data. They equal what
        // Python's `k ** -1.2` gives, so the series functions are exact enough here.
        let Sampler::Cumulative { thresholds } = Sampler::zipf(5, 1.2) else {
            unreachable!()
        };
        assert_eq!(
            thresholds,
            [
                4_421_196_687_542_161,
                6_345_634_320_933_555,
                7_528_660_432_202_473,
                8_366_320_565_091_043,
                1 << 53
            ]
        );
    }

    #[test]
    fn zipf_picks_the_first_item_most_often() {
        let sampler = Sampler::zipf(100, 1.0);
        let mut s = Stream::new(3, &[]);
        let mut counts = [0u32; 100];
        for _ in 0..10_000 {
            counts[sampler.pick(&mut s)] += 1;
        }
        assert!(counts[0] > counts[1] && counts[1] > counts[10] && counts[10] > counts[90]);
    }

    #[test]
    fn a_hot_sampler_sends_its_share_to_the_hot_items() {
        let sampler = Sampler::Hot {
            items: 100,
            hot: 2,
            share: 80,
        };
        let mut s = Stream::new(3, &[]);
        let hot = (0..10_000).filter(|_| sampler.pick(&mut s) < 2).count();
        assert!((7_700..8_300).contains(&hot), "{hot}");
    }
}
