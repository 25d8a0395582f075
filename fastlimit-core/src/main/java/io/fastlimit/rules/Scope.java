package io.fastlimit.rules;

/**
 * Whose bucket a request counts against. For one request the most specific identity present wins:
 * {@link #USER}, then {@link #HEADER}, then {@link #IP}.
 */
public enum Scope {
    /** The authenticated user. */
    USER("user"),
    /** The value of a named request header, such as an API key. */
    HEADER("header"),
    /** The client's IP address. */
    IP("ip");

    private final String keyPart;

    Scope(String keyPart) {
        this.keyPart = keyPart;
    }

    /** The scope as written in keys and configuration: {@code user}, {@code header}, {@code ip}. */
    public String keyPart() {
        return keyPart;
    }
}
