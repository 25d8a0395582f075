package io.fastlimit.backends.memory;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes a {@link MemoryBackend} may hold and the bytes it holds: an estimate of the heap taken by
 * its keys, map entries and states, kept as they are created, grow, shrink and go.
 *
 * <p>Memory is reserved before it is taken ({@link #tryReserve}) and released once it is let go, so
 * {@link #heldBytes()} never exceeds {@link #maxBytes()}, except through {@link #withoutLimit()}: the
 * view the backend uses for the one thing it cannot refuse, a single key larger than the whole budget.
 *
 * <p>Sizes assume a 64-bit JVM with compressed object pointers and class pointers (12-byte object
 * headers, 4-byte references, 8-byte alignment): the default for heaps below 32 GB. With larger heaps
 * objects are up to half again as large as estimated.
 *
 * <p>This class is thread-safe.
 */
final class ByteBudget {

    /** Object alignment of the JVM: every object's size is a multiple of it. */
    private static final int ALIGNMENT_BYTES = 8;
    /** Header and length of an array. */
    private static final int ARRAY_HEADER_BYTES = 16;
    /** A ConcurrentHashMap node (hash, key, value, next: 32 bytes) and its table slots (4 bytes, up to 2.67 per node). */
    static final int MAP_ENTRY_BYTES = 44;
    /** A String without its array: header, hash, coder, hashIsZero, value reference. */
    static final int STRING_BYTES = 24;

    private final long maxBytes;
    private final AtomicLong heldBytes;

    ByteBudget(long maxBytes) {
        this(maxBytes, new AtomicLong());
    }

    private ByteBudget(long maxBytes, AtomicLong heldBytes) {
        this.maxBytes = maxBytes;
        this.heldBytes = heldBytes;
    }

    /** A view of the same count that never refuses a reservation. */
    ByteBudget withoutLimit() {
        return new ByteBudget(Long.MAX_VALUE, heldBytes);
    }

    /** Reserves {@code bytes} if they fit; false, reserving nothing, if they do not. */
    boolean tryReserve(long bytes) {
        for (;;) {
            long held = heldBytes.get();
            if (held + bytes > maxBytes) {
                return false;
            }
            if (heldBytes.compareAndSet(held, held + bytes)) {
                return true;
            }
        }
    }

    /** Gives back {@code bytes} reserved earlier. */
    void release(long bytes) {
        heldBytes.addAndGet(-bytes);
    }

    /** Whether {@code bytes} more would fit now. */
    boolean fits(long bytes) {
        return heldBytes.get() + bytes <= maxBytes;
    }

    long heldBytes() {
        return heldBytes.get();
    }

    long maxBytes() {
        return maxBytes;
    }

    /** Size of an array of {@code length} elements of {@code elementBytes} each. */
    static long arrayBytes(int length, int elementBytes) {
        return align(ARRAY_HEADER_BYTES + (long) length * elementBytes);
    }

    /** What holding {@code key} in the map costs besides its state: the map entry and the String. */
    static long entryBytes(String key) {
        return MAP_ENTRY_BYTES + STRING_BYTES + arrayBytes(key.length(), isLatin1(key) ? 1 : 2);
    }

    /** Rounds an object's field bytes up to the JVM's alignment. */
    static long align(long bytes) {
        return (bytes + ALIGNMENT_BYTES - 1) & -ALIGNMENT_BYTES;
    }

    /** Whether the JVM stores {@code s} with one byte per character (compact strings). */
    private static boolean isLatin1(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0xFF) {
                return false;
            }
        }
        return true;
    }
}
