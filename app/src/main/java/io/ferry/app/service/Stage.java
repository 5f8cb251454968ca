package io.ferry.app.service;

/** One role's work inside the service: started once, asked for its status from any thread, closed once. */
interface Stage extends AutoCloseable {

    void start();

    StageStatus status();

    /** Stops promptly, finishing or abandoning in-flight work safely (nothing acknowledged is lost). */
    @Override
    void close();
}
