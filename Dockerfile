# The engine on Payara Micro, listening on every interface of the container.
#
#   mvn -B -DskipTests package
#   docker build -t iii-engine .
#   docker run --rm -p 49134:49134 -p 3111:3111 -e III_MAX_FRAME_BYTES=1048576 iii-engine
#
# The worker port is 49134 inside the container (publish it on another host port with -p); III_HTTP_PORT moves
# the HTTP-trigger listener. The RBAC-gated listener needs both -e III_RBAC_PORT=49135 -e III_RBAC_ENABLED=true
# (and -p 49135:49135). Other III_* variables are the engine's MicroProfile Config properties.
#
# TLS on every listener (wss://, https://, no plaintext): mount a keystore and name it, its password and its key;
# unlike bin/run, the image checks none of them before Payara starts (a mistake shows in the log at the first
# connection) and does not find the key's alias by itself:
#
#   docker run --rm -p 49134:49134 -p 3111:3111 -v "$PWD/engine.p12:/opt/payara/tls/engine.p12:ro" \
#       -e III_TLS_ENABLED=true -e III_TLS_KEYSTORE=/opt/payara/tls/engine.p12 \
#       -e III_TLS_KEYSTORE_PASSWORD=changeit -e III_TLS_KEY_ALIAS=engine iii-engine
#
# (the keystore PKCS12 or JKS, the file readable by the image's user "payara"; III_TLS_KEYSTORE_TYPE is not needed)
#
# One of a cluster of engines: III_CLUSTER_MEMBERS (host:port of every member), III_CLUSTER_PORT (5701) and
# III_CLUSTER_NAME, as for bin/run. A member announces the container's own address (hostname -i) to the others, so
# on one Docker network the members can be named by their containers' names:
#
#   docker network create iii
#   docker run -d --name engine1 --network iii -p 49134:49134 -e III_CLUSTER_MEMBERS=engine1:5701,engine2:5701 iii-engine
#   docker run -d --name engine2 --network iii -p 49135:49134 -e III_CLUSTER_MEMBERS=engine1:5701,engine2:5701 iii-engine
#
# Across hosts, run it on the host's network and name the address the other engines reach (III_CLUSTER_ADDRESS):
#
#   docker run --rm --network host -e III_CLUSTER_ADDRESS=10.0.0.1 \
#       -e III_CLUSTER_MEMBERS=10.0.0.1:5701,10.0.0.2:5701 iii-engine
FROM payara/micro:6.2025.10-jdk17

# read by the pre- and post-boot command files; JVM_ARGS by the image's entrypoint.sh (the heap as bin/run's
# default III_HEAP; set JVM_ARGS to change it)
ENV III_BIND_ADDRESS=0.0.0.0 \
    III_HTTP_PORT=3111 \
    III_RBAC_PORT=0 \
    III_RBAC_ENABLED=false \
    III_TLS_ENABLED=false \
    JVM_ARGS="-Xmx1g"

COPY --chown=payara:payara server-config/ /opt/payara/config/
# ROOT.war and WEB-INF/glassfish-web.xml both put the engine at "/"
COPY --chown=payara:payara target/iii-engine.war /opt/payara/deployments/ROOT.war

EXPOSE 49134 3111 5701

# the cluster settings (server-config/cluster-env.sh), then the base image's entrypoint:
# java ... $JVM_ARGS -jar payara-micro.jar <these arguments>
ENTRYPOINT ["/bin/sh", "/opt/payara/config/container-entrypoint.sh"]
CMD ["--deploymentDir", "/opt/payara/deployments", \
     "--systemproperties", "/opt/payara/config/hazelcast.properties", \
     "--port", "49134", \
     "--name", "iii-engine", \
     "--disablephonehome", \
     "--logproperties", "/opt/payara/config/logging.properties", \
     "--prebootcommandfile", "/opt/payara/config/pre-boot-commands.asadmin", \
     "--postbootcommandfile", "/opt/payara/config/post-boot-commands.asadmin"]
