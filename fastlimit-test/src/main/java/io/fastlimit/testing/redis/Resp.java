package io.fastlimit.testing.redis;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The few lines of the Redis protocol (RESP2) that test set-up needs: send one command, read its
 * reply. Tests use it to build clusters and read INFO, below any client library under test.
 */
final class Resp {

    private Resp() {
    }

    /** Sends {@code command} to 127.0.0.1:{@code port}; an error reply comes back as a String starting with "ERR:". */
    static Object call(int port, String... command) {
        return callAs(port, null, null, command);
    }

    /** Like {@link #call}, after {@code AUTH user password} on the same connection when a user is given. */
    static Object callAs(int port, String user, String password, String... command) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            if (user != null) {
                out.write(encode("AUTH", user, password));
                out.flush();
                Object auth = read(in);
                if (!"OK".equals(auth)) {
                    throw new IllegalStateException("AUTH failed: " + auth);
                }
            }
            out.write(encode(command));
            out.flush();
            return read(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Redis on port " + port + " did not answer " + command[0], e);
        }
    }

    private static byte[] encode(String... command) {
        StringBuilder s = new StringBuilder("*").append(command.length).append("\r\n");
        for (String part : command) {
            byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
            s.append('$').append(bytes.length).append("\r\n").append(part).append("\r\n");
        }
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static Object read(InputStream in) throws IOException {
        int type = in.read();
        String line = line(in);
        switch (type) {
            case '+':
                return line;
            case '-':
                return "ERR:" + line;
            case ':':
                return Long.parseLong(line);
            case '$': {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    return null;
                }
                byte[] bytes = in.readNBytes(length + 2);
                return new String(bytes, 0, length, StandardCharsets.UTF_8);
            }
            case '*': {
                int count = Integer.parseInt(line);
                List<Object> items = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    items.add(read(in));
                }
                return items;
            }
            default:
                throw new IOException("Unexpected reply type " + (char) type);
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != '\r') {
            if (c < 0) {
                throw new IOException("Connection closed");
            }
            bytes.write(c);
        }
        in.read(); // '\n'
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
