import { gokuaiGlue } from './gokuai';
import { kdocsGlue } from './kdocs';
import { shimoGlue } from './shimo';
import { vikaGlue } from './vika';
import type { VendorGlue } from '../types';

/** Every vendor this build supports: the one list to extend when a vendor is added (see README.md here). */
export const VENDORS: readonly VendorGlue[] = [gokuaiGlue, kdocsGlue, vikaGlue, shimoGlue];
