package io.fastlimit.testing.redis;

import java.util.ArrayList;
import java.util.List;

/**
 * A real three-master Redis Cluster of {@code redis-server} processes on loopback, no replicas:
 * slots 0-5460, 5461-10922 and 10923-16383.
 */
public final class RedisCluster implements AutoCloseable {

    private static final int SLOTS = 16384;
    private static final long FORM_TIMEOUT_MS = 30_000;

    private final List<RedisServer> masters;

    private RedisCluster(List<RedisServer> masters) {
        this.masters = masters;
    }

    /** Starts three masters, assigns the slots and waits until the cluster says it is ok. */
    public static RedisCluster start() {
        List<RedisServer> masters = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            masters.add(RedisServer.startNew("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                    "--cluster-node-timeout", "5000"));
        }
        RedisCluster cluster = new RedisCluster(masters);
        cluster.form();
        return cluster;
    }

    private void form() {
        for (int i = 0; i < masters.size(); i++) {
            int from = SLOTS * i / masters.size();
            int to = SLOTS * (i + 1) / masters.size() - 1;
            List<String> command = new ArrayList<>(List.of("CLUSTER", "ADDSLOTS"));
            for (int slot = from; slot <= to; slot++) {
                command.add(Integer.toString(slot));
            }
            expectOk(masters.get(i).command(command.toArray(new String[0])));
        }
        for (int i = 1; i < masters.size(); i++) {
            expectOk(masters.get(0).command("CLUSTER", "MEET", "127.0.0.1", Integer.toString(masters.get(i).port())));
        }
        long deadlineMs = System.currentTimeMillis() + FORM_TIMEOUT_MS;
        while (!formed()) {
            if (System.currentTimeMillis() > deadlineMs) {
                throw new IllegalStateException("The cluster did not form: " + masters.get(0).command("CLUSTER", "INFO"));
            }
            Thread.onSpinWait();
        }
    }

    private boolean formed() {
        for (RedisServer master : masters) {
            String info = (String) master.command("CLUSTER", "INFO");
            if (!info.contains("cluster_state:ok") || !info.contains("cluster_known_nodes:" + masters.size())) {
                return false;
            }
        }
        return true;
    }

    private static void expectOk(Object reply) {
        if (!"OK".equals(reply)) {
            throw new IllegalStateException("Cluster set-up failed: " + reply);
        }
    }

    /** The URL of one node, from which clients discover the others. */
    public String url() {
        return masters.get(0).url();
    }

    /** All three nodes, separated by commas. */
    public String allNodesUrl() {
        StringBuilder url = new StringBuilder("redis://");
        for (int i = 0; i < masters.size(); i++) {
            url.append(i == 0 ? "" : ",").append("127.0.0.1:").append(masters.get(i).port());
        }
        return url.toString();
    }

    public List<RedisServer> masters() {
        return masters;
    }

    @Override
    public void close() {
        masters.forEach(RedisServer::stop);
    }
}
