# The cluster settings Payara's boot command files read, derived as the README describes: sourced (POSIX sh) by
# bin/run and by the container's entrypoint. Without III_CLUSTER_MEMBERS the engine is one node and no Hazelcast
# starts; the boot commands still need every III_CLUSTER_* variable to have a value.
export III_CLUSTER_PORT="${III_CLUSTER_PORT:-5701}"
export III_CLUSTER_NAME="${III_CLUSTER_NAME:-iii-engine}"
if [ -z "${III_CLUSTER_MEMBERS:-}" ]; then
    export III_CLUSTER_ENABLED=false III_CLUSTER_MEMBERS=127.0.0.1 III_CLUSTER_ADDRESS=127.0.0.1
else
    # the address this member binds to and announces: the listeners' own, unless given
    export III_CLUSTER_ENABLED=true III_CLUSTER_ADDRESS="${III_CLUSTER_ADDRESS:-$III_BIND_ADDRESS}"
fi
