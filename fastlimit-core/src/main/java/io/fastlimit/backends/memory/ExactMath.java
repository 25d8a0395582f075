package io.fastlimit.backends.memory;

import java.math.BigInteger;

/**
 * Exact products and quotients of non-negative longs whose intermediate product may need up to 126
 * bits: a limit of up to 10^9 times a window of up to 366 days in milliseconds (3.2 * 10^10) does not
 * fit in a long.
 *
 * <p>Every method first tries plain {@code long} arithmetic, which is exact whenever the product fits
 * in 63 bits: for every rate with {@code limit * windowMillis < 9.2 * 10^18}, that is every realistic
 * one. Only beyond that does it fall back to {@link BigInteger}, which allocates.
 */
final class ExactMath {

    private ExactMath() {
    }

    /** Whether {@code a * b <= c * d}; all arguments non-negative. */
    static boolean productAtMost(long a, long b, long c, long d) {
        long highLeft = Math.multiplyHigh(a, b);
        long highRight = Math.multiplyHigh(c, d);
        if (highLeft != highRight) {
            return highLeft < highRight;
        }
        return Long.compareUnsigned(a * b, c * d) <= 0;
    }

    /** {@code min(floor(a * b / m), cap)}; {@code a, b, cap >= 0}, {@code m > 0}. */
    static long mulDivFloorCapped(long a, long b, long m, long cap) {
        if (productAtMost(cap, m, a, b)) {
            return cap; // a * b >= cap * m, so the quotient is at least cap
        }
        long high = Math.multiplyHigh(a, b);
        long low = a * b;
        if (high == 0 && low >= 0) {
            return low / m;
        }
        return big(a).multiply(big(b)).divide(big(m)).longValueExact(); // below cap, so it fits
    }

    /** {@code ceil((a * b + c) / m)}; {@code a, b, c >= 0}, {@code m > 0}, the result fitting in a long. */
    static long mulAddDivCeil(long a, long b, long c, long m) {
        long high = Math.multiplyHigh(a, b);
        long low = a * b;
        if (high == 0 && low >= 0) {
            long sum = low + c;
            if (sum >= 0) {
                long quotient = sum / m;
                return sum % m == 0 ? quotient : quotient + 1;
            }
        }
        BigInteger[] qr = big(a).multiply(big(b)).add(big(c)).divideAndRemainder(big(m));
        long quotient = qr[0].longValueExact();
        return qr[1].signum() == 0 ? quotient : quotient + 1;
    }

    private static BigInteger big(long value) {
        return BigInteger.valueOf(value);
    }
}
