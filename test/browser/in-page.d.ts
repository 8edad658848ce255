/** Types of in-page.js: functions the browser tests run inside the page. */
export declare function textsOf(selector: string): string[];
export declare function hasText(selector: string, text: string): boolean;
export declare function historyIds(): string;
export declare function historyIs(want: string): boolean;
export declare function edgeStates(): Array<{ id: string; state: string; stroke: string }>;
export declare function isInside(inner: string, outer: string): boolean;
export declare function labelProblems(): string[];
export declare function scrollToId(id: string): number;
export declare function scrollPosition(): number;
export declare function focusedKey(): string;
export declare function propertyOf(selector: string, name: string): string | boolean | undefined;
export declare function fitsWidth(): boolean;
export declare function documentMarkup(): string;
