import { createContext, useContext } from "react";

/**
 * The CSP nonce of this HTML response (browser-safe). The server renders it into <Scripts>; in the browser it is
 * empty, which matches the DOM: browsers hide a nonce attribute's value once the page is parsed.
 */
export const NonceContext = createContext("");
export const NonceProvider = NonceContext.Provider;
export const useNonce = () => useContext(NonceContext);
