package iii.engine.e2e;

/** The published {@code iii-sdk} versions the engine must serve, as installed by src/test/node/package.json. */
enum Sdk {
    V0_2_1("0.2.1"),
    V0_3_0("0.3.0"),
    V0_11_6("0.11.6"),
    V0_22_1("0.22.1");

    private final String version;

    Sdk(String version) {
        this.version = version;
    }

    String version() {
        return version;
    }

    /** 0.2.1 and 0.3.0: {@code init()}, positional {@code trigger}, {@code callVoid}, {@code onFunctionsAvailable}. */
    boolean legacy() {
        return this == V0_2_1 || this == V0_3_0;
    }

    @Override
    public String toString() {
        return "sdk-" + version;
    }
}
