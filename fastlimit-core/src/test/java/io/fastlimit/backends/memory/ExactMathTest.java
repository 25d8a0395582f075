package io.fastlimit.backends.memory;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class ExactMathTest {

    /** Values around the sizes the backend multiplies: limits up to 10^9, windows up to 366 days. */
    private static final long[] EDGES = {0, 1, 2, 3, 999_999_999, 1_000_000_000, 31_622_400_000L,
            31_622_399_999L, 3_037_000_499L, 3_037_000_500L, Integer.MAX_VALUE, 1L << 40, Long.MAX_VALUE / 3};

    @Test
    void agreesWithBigIntegerOnEdgesAndRandomValues() {
        Random random = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            long a = pick(random);
            long b = pick(random);
            long c = pick(random);
            long d = pick(random);
            long m = Math.max(1, pick(random));
            BigInteger ab = big(a).multiply(big(b));

            assertThat(ExactMath.productAtMost(a, b, c, d))
                    .as("%d*%d <= %d*%d", a, b, c, d).isEqualTo(ab.compareTo(big(c).multiply(big(d))) <= 0);

            long cap = Math.abs(pick(random));
            long floor = ab.divide(big(m)).min(big(cap)).longValueExact();
            assertThat(ExactMath.mulDivFloorCapped(a, b, m, cap)).as("min(%d*%d/%d, %d)", a, b, m, cap).isEqualTo(floor);

            BigInteger ceil = new java.math.BigDecimal(ab.add(big(c))).divide(new java.math.BigDecimal(m), 0, RoundingMode.CEILING)
                    .toBigIntegerExact();
            if (ceil.bitLength() < 63) {
                assertThat(ExactMath.mulAddDivCeil(a, b, c, m)).as("ceil((%d*%d+%d)/%d)", a, b, c, m)
                        .isEqualTo(ceil.longValueExact());
            }
        }
    }

    private static long pick(Random random) {
        switch (random.nextInt(3)) {
            case 0:
                return EDGES[random.nextInt(EDGES.length)];
            case 1:
                return random.nextInt(1_000_000_001);
            default:
                return (random.nextLong() >>> 1) >>> random.nextInt(63);
        }
    }

    private static BigInteger big(long value) {
        return BigInteger.valueOf(value);
    }
}
