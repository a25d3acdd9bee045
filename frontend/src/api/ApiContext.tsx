import { createContext, useContext } from "react";
import type { ConsoleConfig } from "../config";
import type { Apis } from "./clients";

export interface Platform {
  config: ConsoleConfig;
  apis: Apis;
}

export const PlatformContext = createContext<Platform | null>(null);

export function usePlatform(): Platform {
  const platform = useContext(PlatformContext);
  if (platform === null) throw new Error("usePlatform outside PlatformContext");
  return platform;
}
