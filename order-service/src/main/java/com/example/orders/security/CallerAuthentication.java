package com.example.orders.security;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;

/** A caller that proved itself (a storefront by its token, the payment provider by its signature). */
final class CallerAuthentication extends AbstractAuthenticationToken {

    private final String caller;

    CallerAuthentication(String caller, String role) {
        super(AuthorityUtils.createAuthorityList("ROLE_" + role));
        this.caller = caller;
        setAuthenticated(true);
    }

    @Override
    public Object getCredentials() {
        return "";
    }

    @Override
    public Object getPrincipal() {
        return caller;
    }
}
