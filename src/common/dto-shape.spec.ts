import 'reflect-metadata';
import { getMetadataStorage } from 'class-validator';
import { AppModule } from '../app.module';

/**
 * `@ValidateNested()` passes silently when the value is absent: a required nested object without
 * `@IsDefined()` (or `@IsOptional()`) reaches the handler as undefined and costs a 500. Every
 * request DTO the application loads is checked here, so a new one cannot repeat it.
 */
describe('request DTO shapes', () => {
  it('every nested object is refused when absent (unless @IsOptional()) and must be an object or array', () => {
    expect(AppModule).toBeDefined(); // loads every module, controller and DTO
    const storage = getMetadataStorage() as unknown as {
      validationMetadatas: Map<
        { name: string },
        Array<{ propertyName: string; type: string; name?: string }>
      >;
    };
    const gaps: string[] = [];
    let nested = 0;
    for (const [target, metas] of storage.validationMetadatas) {
      const byProperty = new Map<string, Array<{ type: string; name?: string }>>();
      for (const m of metas)
        byProperty.set(m.propertyName, [...(byProperty.get(m.propertyName) ?? []), m]);
      for (const [property, list] of byProperty) {
        if (!list.some((m) => m.type === 'nestedValidation')) continue;
        nested += 1;
        const optional = list.some((m) => m.type === 'conditionalValidation');
        const defined = list.some((m) => m.type === 'isDefined');
        const object = list.some((m) => m.name === 'isObject' || m.name === 'isArray');
        // @IsObject()/@IsArray() refuse an absent value too; @IsDefined() alone lets [] through.
        if (!optional && !defined && !object)
          gaps.push(
            `${target.name}.${property}: neither @IsDefined(), @IsObject() nor @IsOptional()`,
          );
        if (!object) gaps.push(`${target.name}.${property}: no @IsObject()/@IsArray()`);
      }
    }
    expect(nested).toBeGreaterThan(5);
    expect(gaps).toEqual([]);
  });
});
