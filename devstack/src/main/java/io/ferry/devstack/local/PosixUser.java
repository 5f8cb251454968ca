package io.ferry.devstack.local;

import com.sun.security.auth.module.UnixSystem;
import io.ferry.devstack.DevstackException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The unprivileged account that runs servers which refuse to run as root (PostgreSQL), and the means
 * to hand it a directory and run a command as it.
 */
record PosixUser(String name, long uid, long gid) {

    /** System property naming the account; default {@code postgres} when it exists, else one is created. */
    static final String PROPERTY = "ferry.devstack.user";
    private static final String CREATED_NAME = "ferry-devstack";

    static boolean currentIsRoot() {
        return new UnixSystem().getUid() == 0;
    }

    /** Finds (or, as root, creates) the unprivileged account. */
    static synchronized PosixUser unprivileged() {
        String configured = System.getProperty(PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return lookup(configured).orElseThrow(() -> new DevstackException(
                    "-D" + PROPERTY + "=" + configured + " names no user on this machine"));
        }
        return lookup("postgres").or(() -> lookup(CREATED_NAME)).orElseGet(() -> {
            run(List.of("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", CREATED_NAME));
            return lookup(CREATED_NAME).orElseThrow(() -> new DevstackException("useradd did not create " + CREATED_NAME));
        });
    }

    private static java.util.Optional<PosixUser> lookup(String name) {
        try {
            long uid = Long.parseLong(run(List.of("id", "-u", name)).trim());
            long gid = Long.parseLong(run(List.of("id", "-g", name)).trim());
            return java.util.Optional.of(new PosixUser(name, uid, gid));
        } catch (DevstackException | NumberFormatException e) {
            return java.util.Optional.empty();
        }
    }

    /** Prefixes a command so it runs as this user, with no supplementary groups. */
    List<String> wrap(List<String> command) {
        List<String> out = new ArrayList<>(List.of("setpriv", "--reuid=" + uid, "--regid=" + gid, "--clear-groups", "--"));
        out.addAll(command);
        return out;
    }

    /** Gives this user the whole tree. */
    void own(Path tree) {
        run(List.of("chown", "-R", uid + ":" + gid, tree.toString()));
    }

    /** True when every directory from the root down to {@code dir} lets other users pass through. */
    static boolean othersCanReach(Path dir) {
        for (Path p = dir.toAbsolutePath(); p != null; p = p.getParent()) {
            try {
                if (Files.exists(p) && !Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                    return false;
                }
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    private static String run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(Duration.ofSeconds(30).toMillis(), TimeUnit.MILLISECONDS) || p.exitValue() != 0) {
                throw new DevstackException(String.join(" ", command) + " failed: " + out.trim());
            }
            return out;
        } catch (IOException e) {
            throw new DevstackException(String.join(" ", command) + " could not run", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DevstackException(String.join(" ", command) + " interrupted");
        }
    }
}
