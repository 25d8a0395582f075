package io.fastlimit.testing.redis;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away certificate authority and a server certificate for 127.0.0.1, made with the
 * {@code openssl} and {@code keytool} commands, and a PKCS#12 trust store holding the authority.
 */
record TlsCertificates(Path caCert, Path serverCert, Path serverKey, Path truststore, String truststorePassword) {

    static boolean available() {
        try {
            return run(RedisServer.tempDir(), "openssl", "version");
        } catch (RuntimeException e) {
            return false;
        }
    }

    static TlsCertificates create() {
        Path dir = RedisServer.tempDir();
        try {
            Files.writeString(dir.resolve("san.cnf"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        check(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=fastlimit-test-ca",
                "-keyout", "ca.key", "-out", "ca.crt");
        check(dir, "openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
                "-keyout", "server.key", "-out", "server.csr");
        check(dir, "openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-days", "2", "-extfile", "san.cnf", "-out", "server.crt");
        String password = "changeit";
        check(dir, Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-importcert", "-noprompt",
                "-alias", "ca", "-file", "ca.crt", "-keystore", "truststore.p12", "-storetype", "PKCS12",
                "-storepass", password);
        return new TlsCertificates(dir.resolve("ca.crt"), dir.resolve("server.crt"), dir.resolve("server.key"),
                dir.resolve("truststore.p12"), password);
    }

    private static void check(Path dir, String... command) {
        if (!run(dir, command)) {
            throw new IllegalStateException("Failed: " + List.of(command));
        }
    }

    private static boolean run(Path dir, String... command) {
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            if (p.exitValue() != 0) {
                System.err.println(out);
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
