package io.foleystream.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.common.Endpoint;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.server.authorizer.AclCreateResult;
import org.apache.kafka.server.authorizer.AclDeleteResult;
import org.apache.kafka.server.authorizer.Action;
import org.apache.kafka.server.authorizer.AuthorizableRequestContext;
import org.apache.kafka.server.authorizer.AuthorizationResult;
import org.apache.kafka.server.authorizer.Authorizer;
import org.apache.kafka.server.authorizer.AuthorizerServerInfo;

/**
 * A broker authorizer that allows everything and lets a test act at the moment the generator's
 * transaction commit reaches the broker: {@code EndTxn} is authorized before the broker handles
 * it, so a hook run here runs while the client is inside {@code commitTransaction}.
 */
public final class CommitWatchAuthorizer implements Authorizer {

  /** Generator commits seen (EndTxn requests from a transactional id of a generator). */
  static final AtomicInteger COMMITS = new AtomicInteger();
  /** Run, on the broker's request thread, when the commit numbered {@link #atCommit} arrives. */
  static volatile Runnable hook;
  /** Which generator commit runs the hook (1 = the first); 0 = none. */
  static volatile int atCommit;

  @Override
  public void configure(Map<String, ?> configs) {}

  @Override
  public Map<Endpoint, ? extends CompletionStage<Void>> start(AuthorizerServerInfo serverInfo) {
    return serverInfo.endpoints().stream().collect(Collectors.toMap(e -> e,
        e -> CompletableFuture.completedFuture(null)));
  }

  @Override
  public List<AuthorizationResult> authorize(AuthorizableRequestContext context,
      List<Action> actions) {
    List<AuthorizationResult> results = new ArrayList<>();
    for (Action action : actions) {
      if (context.requestType() == ApiKeys.END_TXN.id
          && action.resourcePattern().resourceType() == ResourceType.TRANSACTIONAL_ID
          && action.resourcePattern().name().contains("-generator-")
          && COMMITS.incrementAndGet() == atCommit && hook != null) {
        hook.run();
      }
      results.add(AuthorizationResult.ALLOWED);
    }
    return results;
  }

  @Override
  public List<? extends CompletionStage<AclCreateResult>> createAcls(
      AuthorizableRequestContext context, List<AclBinding> bindings) {
    throw new UnsupportedOperationException("no ACLs in this test broker");
  }

  @Override
  public List<? extends CompletionStage<AclDeleteResult>> deleteAcls(
      AuthorizableRequestContext context, List<AclBindingFilter> filters) {
    throw new UnsupportedOperationException("no ACLs in this test broker");
  }

  @Override
  public Iterable<AclBinding> acls(AclBindingFilter filter) {
    return List.of();
  }

  @Override
  public void close() {}
}
